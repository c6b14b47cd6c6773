package dev.nanobanana.camel.settings;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
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
        EgressSettings egress = new EgressSettings(ProxyUrl.parse(properties.text("http.proxy"), PROXY_KEY),
                variable(environment, "https_proxy"), variable(environment, "http_proxy"),
                NoProxy.parse(first(environment, "no_proxy")), properties.text("http.trust-store"),
                properties.text("http.trust-store-type"), properties.text("http.trust-store-password"));
        if (egress.hasTrustStore()) {
            // a store that cannot be read stops the start, rather than the first job
            egress.loadTrustStore();
        }
        return egress;
    }

    public boolean hasTrustStore() {
        return !trustStore.isEmpty();
    }

    /**
     * The certificates of {@code nanobanana.http.trust-store}.
     *
     * @throws IllegalArgumentException naming the keys to check, when the file cannot be read as such a store
     */
    public KeyStore loadTrustStore() {
        Path file = Path.of(trustStore);
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(TRUST_STORE_KEY + " names " + file.toAbsolutePath()
                                               + ", which is not a file this process can read");
        }
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(trustStoreType);
            store.load(in, trustStorePassword.isEmpty() ? null : trustStorePassword.toCharArray());
            if (store.size() == 0) {
                throw new IllegalArgumentException(TRUST_STORE_KEY + " (" + file + ") holds no certificate");
            }
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(TRUST_STORE_KEY + " (" + file + ") could not be read as a "
                                               + trustStoreType + " store (" + e.getMessage() + "): check "
                                               + "nanobanana.http.trust-store-type and "
                                               + "nanobanana.http.trust-store-password", e);
        }
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
