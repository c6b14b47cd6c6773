package dev.nanobanana.camel.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on loopback in front of a server, whose open connections can be made to fall silent: from then on
 * nothing passes either way, yet both sockets stay open, as behind a hung firewall or NAT or a server that froze.
 * Connections opened afterwards are relayed as usual. It notes how many silenced connections the client gave up.
 */
public final class SilencingRelay implements AutoCloseable {

    private final ServerSocket socket;
    private final int targetPort;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final AtomicInteger silencedClosedByClient = new AtomicInteger();

    public SilencingRelay(int targetPort) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        Connections.serveEach(socket, "silencing-relay", this::relay);
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** The connections open now pass nothing more, either way; they stay open until a side closes them. */
    public void silenceOpenConnections() {
        links.forEach(link -> link.silent = true);
    }

    /** How many of the silenced connections the client has closed. */
    public int silencedClosedByClient() {
        return silencedClosedByClient.get();
    }

    private void relay(Socket client) throws IOException {
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        Link link = new Link(client, server);
        links.add(link);
        Connections.daemon("silencing-relay-up", () -> link.pump(client, server, true));
        Connections.daemon("silencing-relay-down", () -> link.pump(server, client, false));
    }

    private final class Link {

        final Socket client;
        final Socket server;
        volatile boolean silent;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void pump(Socket from, Socket to, boolean fromClient) {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!silent) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // closed or reset: the same as an end of stream here
            }
            if (fromClient && silent && !socket.isClosed()) {
                silencedClosedByClient.incrementAndGet();
            }
            close();
        }

        void close() {
            try {
                client.close();
                server.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        links.forEach(Link::close);
    }
}
