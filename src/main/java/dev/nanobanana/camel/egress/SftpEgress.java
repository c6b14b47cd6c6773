package dev.nanobanana.camel.egress;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.component.file.remote.SftpEndpoint;
import org.apache.camel.spi.EndpointStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nanobanana.camel.settings.ProxyUrl;

/**
 * Sends the context's SFTP connections through the egress proxy: every sftp endpoint (the source of
 * {@code routes/sftp.camel.yaml}, its sinks, those of an application's own route files) whose host the proxy serves
 * gets a {@link SftpTunnel} of its own as its {@code proxy}, unless its URI names a proxy already. Route URIs stay as
 * users wrote them. What touches camel-ftp's classes is loaded only when camel-ftp is on the class path
 * ({@link #install}).
 */
public final class SftpEgress {

    private static final Logger LOG = LoggerFactory.getLogger(SftpEgress.class);
    private static final String SFTP_ENDPOINT = "org.apache.camel.component.file.remote.SftpEndpoint";

    private SftpEgress() {
    }

    /**
     * Has every sftp endpoint of the context, those made already and those made later, connect through the proxy the
     * egress settings choose for its host; nothing when camel-ftp is not on the class path or no proxy of ours is set.
     */
    public static void install(CamelContext context, Egress egress) {
        if (!egress.proxy().anyOfOurs() || context.getClassResolver().resolveClass(SFTP_ENDPOINT) == null) {
            return;
        }
        context.getCamelContextExtension().registerEndpointCallback(new Endpoints(egress.proxy()));
    }

    /** Sets the proxy of each sftp endpoint as it is made: a class of its own, loaded only with camel-ftp there. */
    private static final class Endpoints implements EndpointStrategy {

        private final EgressProxy proxy;
        /** The servers whose way out was said, once each. */
        private final Set<String> said = ConcurrentHashMap.newKeySet();

        Endpoints(EgressProxy proxy) {
            this.proxy = proxy;
        }

        @Override
        public Endpoint registerEndpoint(String uri, Endpoint endpoint) {
            if (endpoint instanceof SftpEndpoint sftp && sftp.getProxy() == null) {
                String host = sftp.getConfiguration().getHost();
                int port = sftp.getConfiguration().getPort();
                Optional<ProxyUrl> ours = proxy.forTunnel(host, port);
                String server = host + ":" + port;
                if (ours.isPresent()) {
                    sftp.setProxy(new SftpTunnel(ours.get()));
                    if (said.add(server)) {
                        LOG.info("SFTP connections to {} go through the proxy {}", server, ours.get());
                    }
                } else if (said.add(server)) {
                    LOG.info("SFTP connections to {} go direct: NO_PROXY lists the host", server);
                }
            }
            return endpoint;
        }
    }
}
