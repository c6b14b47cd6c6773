package dev.nanobanana.camel.egress;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import dev.nanobanana.camel.settings.EgressSettings;
import dev.nanobanana.camel.settings.ProxyUrl;

/**
 * Chooses the proxy of each outbound call, in this order: {@code nanobanana.http.proxy}; else {@code HTTPS_PROXY} for
 * an https URL, {@code HTTP_PROXY} for an http one; a host that {@code NO_PROXY} covers goes around both. With neither,
 * the JVM's own choice ({@code -Dhttps.proxyHost}, {@code -Dhttp.nonProxyHosts}), as if this class were not there.
 * Unlike the JVM's, a proxy of ours is used for loopback hosts too, unless {@code NO_PROXY} names them.
 */
public final class EgressProxy extends ProxySelector {

    private final EgressSettings settings;
    private final ProxySelector jvm;

    EgressProxy(EgressSettings settings, ProxySelector jvm) {
        this.settings = settings;
        this.jvm = jvm;
    }

    public static EgressProxy of(EgressSettings settings) {
        return new EgressProxy(settings, ProxySelector.getDefault());
    }

    /** The proxy of ours a call to this URL goes through; empty: direct, or as the JVM chooses. */
    public Optional<ProxyUrl> ours(URI uri) {
        if (uri.getHost() == null || settings.noProxy().covers(uri.getHost(), port(uri))) {
            return Optional.empty();
        }
        if (settings.proxy() != null) {
            return Optional.of(settings.proxy());
        }
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        return Optional.ofNullable(https ? settings.httpsProxyVariable() : settings.httpProxyVariable());
    }

    /**
     * The proxy of ours a TCP connection to {@code host:port} that is not HTTP (an SFTP session) tunnels through with
     * {@code CONNECT}: {@code nanobanana.http.proxy}, else {@code HTTPS_PROXY} (a tunnel, as to an https URL), else
     * {@code HTTP_PROXY}; empty when {@code NO_PROXY} covers the host, or when none is set (the JVM's proxy properties
     * are for HTTP only).
     */
    public Optional<ProxyUrl> forTunnel(String host, int port) {
        if (host == null || host.isEmpty() || settings.noProxy().covers(host, port)) {
            return Optional.empty();
        }
        return ours().findFirst();
    }

    /** Whether any call can go through a proxy of ours, rather than as the JVM chooses. */
    public boolean anyOfOurs() {
        return ours().findAny().isPresent();
    }

    @Override
    public List<Proxy> select(URI uri) {
        Optional<ProxyUrl> ours = ours(uri);
        if (ours.isPresent()) {
            return List.of(new Proxy(Proxy.Type.HTTP,
                    InetSocketAddress.createUnresolved(ours.get().host(), ours.get().port())));
        }
        boolean aroundOurs = anyOfOurs() && uri.getHost() != null
                             && settings.noProxy().covers(uri.getHost(), port(uri));
        return jvm == null || aroundOurs ? List.of(Proxy.NO_PROXY) : jvm.select(uri);
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, IOException failure) {
        if (jvm != null) {
            jvm.connectFailed(uri, address, failure);
        }
    }

    /** The JVM's proxy for this URL, when none of ours applies: what a reason names. */
    Optional<InetSocketAddress> jvmProxy(URI uri) {
        return select(uri).stream().filter(proxy -> proxy.type() == Proxy.Type.HTTP)
                .map(proxy -> (InetSocketAddress) proxy.address()).findFirst();
    }

    /** What a log line at start says of where outbound calls go. */
    public String describe() {
        if (settings.proxy() != null) {
            return "Outbound calls go through the proxy " + settings.proxy() + noProxy();
        }
        if (anyOfOurs()) {
            return "Outbound calls go through the proxy of the environment: "
                   + Stream.of(settings.httpsProxyVariable(), settings.httpProxyVariable())
                           .filter(proxy -> proxy != null).map(ProxyUrl::toString)
                           .reduce((https, http) -> https + " for https, " + http + " for http").orElse("")
                   + noProxy();
        }
        String jvmProxy = System.getProperty("https.proxyHost", System.getProperty("http.proxyHost", ""));
        return jvmProxy.isEmpty() ? "Outbound calls go direct: no proxy is set"
                : "Outbound calls go through the JVM's proxy " + jvmProxy + " (-Dhttps.proxyHost, -Dhttp.proxyHost)";
    }

    private String noProxy() {
        return settings.noProxy().entries().isEmpty() ? ""
                : "; around it to NO_PROXY's " + String.join(",", settings.noProxy().entries());
    }

    private Stream<ProxyUrl> ours() {
        return Stream.of(settings.proxy(), settings.httpsProxyVariable(), settings.httpProxyVariable())
                .filter(proxy -> proxy != null);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equals(String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT)) ? 443 : 80;
    }
}
