package dev.nanobanana.camel.egress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Proxy;
import com.jcraft.jsch.ProxyHTTP;
import com.jcraft.jsch.SocketFactory;

import dev.nanobanana.camel.settings.ProxyUrl;

/**
 * An SFTP endpoint's way through the egress proxy: each SSH session gets a tunnel of its own, an HTTP {@code CONNECT}
 * to the SFTP server's host and port made by a fresh JSch {@link ProxyHTTP}, with the proxy's credentials if its URL
 * has them.
 *
 * <p>camel-ftp gives every session of an endpoint (its consumer's, each of its producers') the endpoint's one
 * {@link Proxy}. JSch's own {@link ProxyHTTP} holds the socket of its last {@code connect}, so one shared by sessions
 * would hand a session another's socket, and close another's at a disconnect. JSch's {@code Session.connect} calls
 * {@link #connect} and then the three getters in one {@code synchronized (proxy)} block (the methods here are
 * synchronized on the same monitor), so each session takes the streams of its own tunnel; at its disconnect the
 * session closes those streams itself, which closes the tunnel's socket, and then calls {@link #close()}, which
 * therefore closes nothing: the last tunnel may be another session's, still in use.
 */
final class SftpTunnel implements Proxy {

    private final ProxyUrl proxy;
    /** The tunnel of the session connecting now: read by its getters, in the same block as the connect. */
    private ProxyHTTP current;

    SftpTunnel(ProxyUrl proxy) {
        this.proxy = proxy;
    }

    ProxyUrl proxy() {
        return proxy;
    }

    @Override
    public synchronized void connect(SocketFactory factory, String host, int port, int timeout) throws JSchException {
        ProxyHTTP tunnel = new ProxyHTTP(proxy.host(), proxy.port());
        if (proxy.hasCredentials()) {
            tunnel.setUserPasswd(proxy.user(), proxy.password());
        }
        Reaching reaching = new Reaching(factory, timeout);
        try {
            tunnel.connect(reaching, host, port, timeout);
        } catch (JSchException e) {
            throw explained(e, reaching.reached, host + ":" + port);
        }
        current = tunnel;
    }

    @Override
    public synchronized InputStream getInputStream() {
        return current.getInputStream();
    }

    @Override
    public synchronized OutputStream getOutputStream() {
        return current.getOutputStream();
    }

    @Override
    public synchronized Socket getSocket() {
        return current.getSocket();
    }

    @Override
    public void close() {
        // the session closed its own tunnel's streams, and so its socket: see the class's comment
    }

    /** The failure said as the proxy's: it could not be reached, or refused the credentials or the tunnel. */
    private JSchException explained(JSchException failure, boolean reached, String target) {
        String message = failure.getMessage() == null ? "" : failure.getMessage();
        String said;
        if (!reached) {
            ProxyRefusedException refused = ProxyRefusedException.unreachable(proxy.address(), proxy.givenBy(),
                    failure.getCause());
            said = refused.getMessage() + ": " + refused.hint();
        } else if (message.contains("Proxy Authentication Required") || message.contains("407")) {
            ProxyRefusedException refused = ProxyRefusedException.credentials(proxy.address(), proxy.givenBy(),
                    proxy.hasCredentials());
            said = refused.getMessage() + ": " + refused.hint();
        } else {
            said = "proxy " + proxy.address() + " (the proxy of " + proxy.givenBy() + ") did not open a tunnel to "
                   + target + " (" + message + "): check that the proxy lets CONNECT through to that port, or list "
                   + "the host in NO_PROXY";
        }
        return new JSchException(said, failure);
    }

    /**
     * Makes the socket to the proxy as JSch would (the session's socket factory, if it has one), within the session's
     * connect timeout, and notes whether the proxy took it.
     */
    private static final class Reaching implements SocketFactory {

        private final SocketFactory given;
        private final int timeout;
        volatile boolean reached;

        Reaching(SocketFactory given, int timeout) {
            this.given = given;
            this.timeout = timeout;
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            Socket socket;
            if (given != null) {
                socket = given.createSocket(host, port);
            } else {
                socket = new Socket();
                try {
                    socket.connect(new InetSocketAddress(host, port), timeout);
                } catch (IOException e) {
                    socket.close();
                    throw e;
                }
            }
            reached = true;
            return socket;
        }

        @Override
        public InputStream getInputStream(Socket socket) throws IOException {
            return given != null ? given.getInputStream(socket) : socket.getInputStream();
        }

        @Override
        public OutputStream getOutputStream(Socket socket) throws IOException {
            return given != null ? given.getOutputStream(socket) : socket.getOutputStream();
        }
    }
}
