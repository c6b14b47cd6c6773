package dev.nanobanana.camel.egress;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

import org.apache.camel.CamelContext;
import org.apache.camel.support.jsse.SSLContextParameters;

import dev.nanobanana.camel.settings.EgressSettings;
import dev.nanobanana.camel.settings.ProxyUrl;

/**
 * How the runtime's outbound calls leave this machine: through which proxy ({@link EgressProxy}), with which
 * credentials, trusting which certificates ({@link EgressTrust}, or an embedding application's
 * {@link SSLContextParameters}: {@link #of(EgressSettings, CamelContext)}). Every HTTP client of the runtime is built
 * through {@link #configure}, so that RunPod's API, its images and the health check take the same way out.
 *
 * <p>java.net.http refuses Basic credentials on a CONNECT tunnel (the way to an https URL) unless the system property
 * {@value #TUNNELING_DISABLED_SCHEMES} is empty before its first use: the runtime clears it as it starts; an
 * application that embeds the pipeline and uses a proxy with credentials sets
 * {@code -D}{@value #TUNNELING_DISABLED_SCHEMES}{@code =}.
 */
public record Egress(EgressProxy proxy, EgressTrust trust, SSLContext sslContext, String tls) {

    public static final String TUNNELING_DISABLED_SCHEMES = "jdk.http.auth.tunneling.disabledSchemes";
    /** How java.net.http fails a call whose proxy answered its CONNECT with neither 200 nor 407. */
    private static final Pattern TUNNEL_REFUSED = Pattern.compile("Tunnel failed, got: (\\d{3})");

    /** No proxy of our own, Java's trust: what a client gets without any setting. */
    public static final Egress JVM_DEFAULTS = of(EgressSettings.JVM_DEFAULTS);

    /** @throws IllegalArgumentException naming the setting, when the trust store cannot be read */
    public static Egress of(EgressSettings settings) {
        EgressTrust trust = EgressTrust.of(settings);
        return new Egress(EgressProxy.of(settings), trust, trust.sslContext(),
                settings.hasTrustStore()
                        ? "Outbound TLS trusts Java's certificates and those of " + EgressSettings.TRUST_STORE_KEY
                          + " (" + settings.trustStore() + ")"
                        : "");
    }

    /**
     * As {@link #of(EgressSettings)}, in a CamelContext that may have global {@link SSLContextParameters} of its own
     * (an embedding application's, or Camel Main's {@code camel.ssl.*}): without {@code nanobanana.http.trust-store},
     * RunPod's calls and the image downloads use a TLS context made from them (their trust, their key managers, their
     * protocols); with it, the setting wins and the parameters are not used for them, which the line at start says.
     *
     * @throws IllegalArgumentException naming the setting, when the trust store cannot be read, or saying that the
     *         context's parameters could not make a TLS context
     */
    public static Egress of(EgressSettings settings, CamelContext context) {
        Egress egress = of(settings);
        SSLContextParameters parameters = context.getSSLContextParameters();
        if (parameters == null) {
            return egress;
        }
        if (settings.hasTrustStore()) {
            return new Egress(egress.proxy(), egress.trust(), egress.sslContext(), egress.tls() + "; "
                    + EgressSettings.TRUST_STORE_KEY + " wins over the CamelContext's SSLContextParameters, which "
                    + "RunPod's calls and the image downloads do not use");
        }
        try {
            return new Egress(egress.proxy(), egress.trust(), parameters.createSSLContext(context),
                    "RunPod's calls and the image downloads use the TLS of the CamelContext's SSLContextParameters "
                    + "(camel.ssl.*)");
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new IllegalArgumentException("The CamelContext's SSLContextParameters (camel.ssl.*) could not make a "
                                               + "TLS context for RunPod's calls: " + e.getMessage(), e);
        }
    }

    /** Lets Basic credentials through a CONNECT tunnel, unless the JVM says otherwise; before any HTTP client runs. */
    public static void allowBasicOnTunnels() {
        if (System.getProperty(TUNNELING_DISABLED_SCHEMES) == null) {
            System.setProperty(TUNNELING_DISABLED_SCHEMES, "");
        }
    }

    /** The builder, sending its calls through the chosen proxy and trusting these certificates. */
    public HttpClient.Builder configure(HttpClient.Builder builder) {
        return builder.proxy(proxy).sslContext(sslContext);
    }

    /**
     * The request with the credentials of the proxy it goes through, if that proxy has any: sent up front, as a
     * {@code Proxy-Authorization} header that java.net.http gives the proxy alone (on the CONNECT of an https URL, on
     * the request itself for an http one) and never the server. Not through an {@link java.net.Authenticator}: with
     * one, java.net.http turns a 401 without {@code WWW-Authenticate} (a wrong API key) into an IOException, which
     * would make a refused submit look like one whose outcome is unknown.
     */
    public HttpRequest.Builder authorize(HttpRequest.Builder request, URI target) {
        proxy.ours(target).filter(ProxyUrl::hasCredentials).ifPresent(ours -> request.header("Proxy-Authorization",
                "Basic " + Base64.getEncoder().encodeToString((ours.user() + ":" + ours.password())
                        .getBytes(StandardCharsets.UTF_8))));
        return request;
    }

    /**
     * The failure of a call to {@code target}, said as it happened: a proxy that could not be reached is named as the
     * one that refused, not RunPod or the image host. Other failures come back as they are.
     */
    public Throwable explain(Throwable failure, URI target) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        OptionalInt tunnelRefused = tunnelRefused(cause);
        if (!(cause instanceof ConnectException) && !(cause instanceof HttpConnectTimeoutException)
            && tunnelRefused.isEmpty()) {
            return cause;
        }
        Optional<ProxyUrl> ours = proxy.ours(target);
        Optional<String> address = proxyAddress(ours, target);
        if (address.isEmpty()) {
            return cause;
        }
        return tunnelRefused.isPresent()
                ? ProxyRefusedException.tunnel(address.get(), givenBy(ours), tunnelRefused.getAsInt(),
                        target.getHost() + ":" + (target.getPort() > 0 ? target.getPort() : 443), cause)
                : ProxyRefusedException.unreachable(address.get(), givenBy(ours), cause);
    }

    /**
     * The status a proxy answered to the CONNECT of an https URL other than 200 and 407 (a 502 when it cannot reach the
     * host): java.net.http says so only in an IOException's message. Nothing went through the tunnel, so the call
     * never reached the host; as any IOException, a submit would be taken for one that RunPod may have charged.
     */
    private static OptionalInt tunnelRefused(Throwable cause) {
        if (!(cause instanceof IOException) || cause.getMessage() == null) {
            return OptionalInt.empty();
        }
        Matcher refused = TUNNEL_REFUSED.matcher(cause.getMessage());
        return refused.matches() ? OptionalInt.of(Integer.parseInt(refused.group(1))) : OptionalInt.empty();
    }

    /**
     * A 407 answer to a call to {@code target}: the proxy's, not the host's (java.net.http hands it over as the answer,
     * without a body when it came to the CONNECT of an https URL).
     */
    public Optional<ProxyRefusedException> refusal(int status, URI target) {
        if (status != 407) {
            return Optional.empty();
        }
        Optional<ProxyUrl> ours = proxy.ours(target);
        return proxyAddress(ours, target)
                .map(address -> ProxyRefusedException.credentials(address, givenBy(ours),
                        ours.map(ProxyUrl::hasCredentials).orElse(false)));
    }

    /** The proxy a call to {@code target} goes through ({@code host:port}): ours, else the JVM's; none: direct. */
    private Optional<String> proxyAddress(Optional<ProxyUrl> ours, URI target) {
        return ours.map(ProxyUrl::address).or(() -> proxy.jvmProxy(target).map(Egress::address));
    }

    private static String givenBy(Optional<ProxyUrl> ours) {
        return ours.map(ProxyUrl::givenBy).orElse("the JVM's -Dhttps.proxyHost or -Dhttp.proxyHost");
    }

    private static String address(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }
}
