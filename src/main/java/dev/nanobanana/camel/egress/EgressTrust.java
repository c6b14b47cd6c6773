package dev.nanobanana.camel.egress;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

import dev.nanobanana.camel.settings.EgressSettings;

/**
 * The certificates outbound TLS trusts: Java's own (its cacerts, or {@code -Djavax.net.ssl.trustStore}) first, then
 * those of {@code nanobanana.http.trust-store}, added rather than instead, so that a TLS-inspecting proxy's CA is one
 * setting and not an edit of the JDK. A certificate neither trusts is refused with a reason that names it, the host
 * that showed it and the setting that would let it in, rather than a bare "PKIX path building failed".
 */
public final class EgressTrust extends X509ExtendedTrustManager {

    private final List<X509ExtendedTrustManager> managers;
    private final EgressSettings settings;

    private EgressTrust(List<X509ExtendedTrustManager> managers, EgressSettings settings) {
        this.managers = managers;
        this.settings = settings;
    }

    /**
     * Java's trust and the store's.
     *
     * @throws IllegalArgumentException naming the setting when the store cannot be read with its type and password
     */
    public static EgressTrust of(EgressSettings settings) {
        List<X509ExtendedTrustManager> managers = new ArrayList<>();
        try {
            managers.add(manager((KeyStore) null));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Java's own trust store could not be read: " + e.getMessage(), e);
        }
        if (settings.hasTrustStore()) {
            managers.add(manager(settings.loadTrustStore(), settings));
        }
        return new EgressTrust(List.copyOf(managers), settings);
    }

    /** A TLS context that trusts these certificates; it sends no client certificate. */
    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] { this }, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS context: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, engine == null ? null : engine.getPeerHost() + ":" + engine.getPeerPort(),
                manager -> manager.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        String peer = socket instanceof SSLSocket ssl && ssl.getHandshakeSession() != null
                ? ssl.getHandshakeSession().getPeerHost() + ":" + ssl.getHandshakeSession().getPeerPort() : null;
        check(chain, peer, manager -> manager.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, null, manager -> manager.checkServerTrusted(chain, authType));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return managers.stream().flatMap(manager -> Arrays.stream(manager.getAcceptedIssuers()))
                .toArray(X509Certificate[]::new);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        managers.get(0).checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        managers.get(0).checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        managers.get(0).checkClientTrusted(chain, authType);
    }

    private interface Check {
        void on(X509ExtendedTrustManager manager) throws CertificateException;
    }

    private void check(X509Certificate[] chain, String peer, Check check) throws CertificateException {
        CertificateException first = null;
        for (X509ExtendedTrustManager manager : managers) {
            try {
                check.on(manager);
                return;
            } catch (CertificateException e) {
                first = first == null ? e : first;
            }
        }
        throw refused(chain, peer, first);
    }

    private CertificateException refused(X509Certificate[] chain, String peer, CertificateException why) {
        String certificate = chain.length == 0 ? "the certificate"
                : "the certificate \"" + chain[0].getSubjectX500Principal().getName() + "\" (issued by \""
                  + chain[chain.length - 1].getIssuerX500Principal().getName() + "\")";
        String shown = peer == null ? "" : " of " + peer;
        String trusted = settings.hasTrustStore()
                ? "is trusted neither by Java nor by " + EgressSettings.TRUST_STORE_KEY + " (" + settings.trustStore()
                  + ")"
                : "is not trusted";
        return new CertificateException(certificate + shown + " " + trusted + " (" + why.getMessage()
                                        + "); if a proxy inspects TLS, set " + EgressSettings.TRUST_STORE_KEY
                                        + " to its CA", why);
    }

    private static X509ExtendedTrustManager manager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return Arrays.stream(factory.getTrustManagers()).filter(X509ExtendedTrustManager.class::isInstance)
                .map(X509ExtendedTrustManager.class::cast).findFirst()
                .orElseThrow(() -> new GeneralSecurityException("no X509 trust manager"));
    }

    private static X509ExtendedTrustManager manager(KeyStore store, EgressSettings settings) {
        try {
            return manager(store);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(EgressSettings.TRUST_STORE_KEY + " (" + settings.trustStore()
                                               + ") cannot serve as a trust store: " + e.getMessage(), e);
        }
    }
}
