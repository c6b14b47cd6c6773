package dev.nanobanana.camel.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * HTTPS in front of a plain HTTP server on loopback (the emulator): it shows the certificate of
 * {@link TestCertificates#serverKeyStore} and passes the bytes on, as a TLS-inspecting proxy or a load balancer does.
 */
public final class TlsFront implements AutoCloseable {

    private final ServerSocket socket;
    private final int backendPort;

    private TlsFront(ServerSocket socket, int backendPort) {
        this.socket = socket;
        this.backendPort = backendPort;
        Connections.serveEach(socket, "tls-front", this::forward);
    }

    public static TlsFront of(TestCertificates certificates, int backendPort)
            throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certificates.serverKeyStore())) {
            keys.load(in, certificates.password().toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, certificates.password().toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(factory.getKeyManagers(), null, null);
        return new TlsFront(tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress()),
                backendPort);
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** The https URL of a path on the server behind. */
    public String url(String path) {
        return "https://127.0.0.1:" + port() + path;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void forward(Socket client) {
        try (client; Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort)) {
            Connections.daemon("tls-front-up", () -> copy(client, backend));
            copy(backend, client);
        } catch (IOException e) {
            // a client that refused the certificate ends its handshake here
        }
    }

    private static void copy(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            in.transferTo(out);
            out.flush();
            if (!(to instanceof javax.net.ssl.SSLSocket)) {
                // the client is done: so is the server's side of the call
                to.shutdownOutput();
            }
        } catch (IOException e) {
            // either side closed
        }
    }
}
