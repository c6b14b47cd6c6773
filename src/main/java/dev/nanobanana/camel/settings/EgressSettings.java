package dev.nanobanana.camel.settings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * How outbound calls leave this machine, a part of {@link NanoBananaSettings}: the proxy of
 * {@code nanobanana.http.proxy}, else those of the environment ({@code HTTPS_PROXY} for https, {@code HTTP_PROXY} for
 * http, lower case first, as curl reads them), the hosts {@code NO_PROXY} sends around them, and the trust store whose
 * certificates are trusted besides Java's own. With no proxy here, the JVM's ({@code -Dhttps.proxyHost}) applies.
 */
public record EgressSettings(
        ProxyUrl proxy,
        ProxyUrl httpsProxyVariable,
        ProxyUrl httpProxyVariable,
        NoProxy noProxy,
        String trustStore,
        String trustStoreType,
        String trustStorePassword) {

    public static final String PROXY_KEY = "nanobanana.http.proxy";
    public static final String TRUST_STORE_KEY = "nanobanana.http.trust-store";

    /** No proxy of our own, no added trust: the JVM's defaults. */
    public static final EgressSettings JVM_DEFAULTS = new EgressSettings(null, null, null, NoProxy.NONE, "", "PKCS12",
            "");

    static EgressSettings from(NanoBananaProperties properties, Map<String, String> environment) {
        String trustStore = properties.text("http.trust-store");
        if (!trustStore.isEmpty() && !Files.isReadable(Path.of(trustStore))) {
            throw new IllegalArgumentException(TRUST_STORE_KEY + " names " + Path.of(trustStore).toAbsolutePath()
                                               + ", which is not a file this process can read");
        }
        return new EgressSettings(ProxyUrl.parse(properties.text("http.proxy"), PROXY_KEY),
                variable(environment, "https_proxy"), variable(environment, "http_proxy"),
                NoProxy.parse(first(environment, "no_proxy")), trustStore,
                properties.text("http.trust-store-type"), properties.text("http.trust-store-password"));
    }

    public boolean hasTrustStore() {
        return !trustStore.isEmpty();
    }

    private static ProxyUrl variable(Map<String, String> environment, String lowerCase) {
        String name = environment.get(lowerCase) != null && !environment.get(lowerCase).isBlank() ? lowerCase
                : lowerCase.toUpperCase(Locale.ROOT);
        return ProxyUrl.parse(environment.get(name), name);
    }

    private static String first(Map<String, String> environment, String lowerCase) {
        String value = environment.get(lowerCase);
        return value != null && !value.isBlank() ? value : environment.get(lowerCase.toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        // the record's own toString would print the proxies' and the trust store's passwords
        return "EgressSettings[proxy=" + proxy + ", httpsProxy=" + httpsProxyVariable + ", httpProxy="
               + httpProxyVariable + ", noProxy=" + noProxy.entries() + ", trustStore=" + trustStore + "]";
    }
}
