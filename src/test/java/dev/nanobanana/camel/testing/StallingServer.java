package dev.nanobanana.camel.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server on a plain socket that answers every request with a status line and headers promising
 * {@code Content-Length} bytes, sends part of the body, and then nothing more, keeping the connection open: a CDN or
 * proxy that hangs mid-transfer. Or, with a pause per part, a slow server whose body arrives steadily. It notes when
 * the client closes each connection.
 */
public final class StallingServer implements AutoCloseable {

    private final ServerSocket socket;
    private final byte[] body;
    private final int sent;
    private final int parts;
    private final Duration pause;
    private final String contentType;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger closedByClient = new AtomicInteger();

    private StallingServer(byte[] body, int sent, int parts, Duration pause, String contentType) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.body = body;
        this.sent = sent;
        this.parts = parts;
        this.pause = pause;
        this.contentType = contentType;
        Connections.serveEach(socket, "stalling-server", connection -> {
            open.add(connection);
            answer(connection);
        });
    }

    /** Sends the first {@code sent} bytes of {@code body}, then stalls. */
    public static StallingServer stallingAfter(int sent, byte[] body, String contentType) throws IOException {
        return new StallingServer(body, sent, 1, Duration.ZERO, contentType);
    }

    /** Sends all of {@code body} in {@code parts} parts, {@code pause} apart: slow, but never silent for longer. */
    public static StallingServer steady(byte[] body, int parts, Duration pause, String contentType) throws IOException {
        return new StallingServer(body, body.length, parts, pause, contentType);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + socket.getLocalPort() + path;
    }

    public int port() {
        return socket.getLocalPort();
    }

    public int requests() {
        return requests.get();
    }

    /** How many connections the client has closed (the server never closes one itself). */
    public int closedByClient() {
        return closedByClient.get();
    }

    private void answer(Socket connection) {
        try (connection) {
            InputStream in = connection.getInputStream();
            readHead(in);
            requests.incrementAndGet();
            OutputStream out = connection.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nContent-Length: " + body.length
                       + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            int part = Math.max(1, (sent + parts - 1) / parts);
            for (int from = 0; from < sent; from += part) {
                out.write(body, from, Math.min(part, sent - from));
                out.flush();
                if (from + part < sent) {
                    Thread.sleep(pause.toMillis());
                }
            }
            // then nothing: wait for the client to give up (end of stream) or for close()
            while (in.read() >= 0) {
                // a client sends nothing more on this connection
            }
            closedByClient.incrementAndGet();
        } catch (IOException e) {
            if (!socket.isClosed()) {
                // reset by the client: it closed the connection too
                closedByClient.incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads the request line and headers, and the request's body if it says it has one. */
    private static void readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        int b;
        while (last4 != 0x0D0A0D0A && (b = in.read()) >= 0) {
            head.write(b);
            last4 = last4 << 8 | b;
        }
        for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring("content-length:".length()).trim()));
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket connection : open) {
            connection.close();
        }
    }
}
