package dev.nanobanana.camel.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A forward HTTP proxy on loopback, as a company runs one: CONNECT tunnels (the way to an https URL) and absolute-form
 * requests ({@code GET http://host/path}, the way to an http one), optionally demanding Basic credentials (HTTP 407).
 * It keeps what it let through as {@code host:port} plus the method, so that a test sees every call that went out
 * through it.
 */
public final class RecordingProxy implements AutoCloseable {

    private final ServerSocket socket;
    private final String expectedAuthorization;
    private final List<String> passed = new CopyOnWriteArrayList<>();
    private final AtomicInteger demandedCredentials = new AtomicInteger();

    private RecordingProxy(String user, String password) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.expectedAuthorization = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        Connections.serveEach(socket, "recording-proxy", this::serve);
    }

    /** A proxy that lets every call through. */
    public static RecordingProxy open() throws IOException {
        return new RecordingProxy(null, null);
    }

    /** A proxy that answers 407 to a call without these credentials. */
    public static RecordingProxy withCredentials(String user, String password) throws IOException {
        return new RecordingProxy(user, password);
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** {@code http://127.0.0.1:port}, as nanobanana.http.proxy or HTTPS_PROXY is set to it. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** The calls let through, in order: {@code CONNECT 127.0.0.1:443}, {@code POST 127.0.0.1:8080}. */
    public List<String> passed() {
        return List.copyOf(passed);
    }

    /** How many calls were let through to {@code host:port}. */
    public long passedTo(String hostAndPort) {
        return passed.stream().filter(call -> call.endsWith(" " + hostAndPort)).count();
    }

    /** How many calls came without the right credentials and were answered 407. */
    public int demandedCredentials() {
        return demandedCredentials.get();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            List<String> head = readHead(in);
            if (head.isEmpty()) {
                return;
            }
            String[] requestLine = head.get(0).split(" ");
            if (expectedAuthorization != null && !expectedAuthorization.equals(header(head, "proxy-authorization"))) {
                demandedCredentials.incrementAndGet();
                out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                           + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                return;
            }
            boolean tunnel = requestLine[0].equals("CONNECT");
            URI target = URI.create(tunnel ? "//" + requestLine[1] : requestLine[1]);
            int port = target.getPort() > 0 ? target.getPort() : tunnel ? 443 : 80;
            try (Socket server = connect(target.getHost(), port, out)) {
                if (server == null) {
                    return;
                }
                passed.add(requestLine[0] + " " + target.getHost() + ":" + port);
                OutputStream toServer = server.getOutputStream();
                if (tunnel) {
                    out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    relay(in, toServer, server.getInputStream(), out);
                    return;
                }
                // one request per connection, both ways, so that each is seen and counted
                String path = target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
                StringBuilder forwarded = new StringBuilder(requestLine[0] + " " + path + " " + requestLine[2] + "\r\n");
                head.stream().skip(1).filter(line -> !line.toLowerCase(Locale.ROOT).startsWith("proxy-")
                                                     && !line.toLowerCase(Locale.ROOT).startsWith("connection:"))
                        .forEach(line -> forwarded.append(line).append("\r\n"));
                forwarded.append("Connection: close\r\n\r\n");
                toServer.write(forwarded.toString().getBytes(StandardCharsets.ISO_8859_1));
                toServer.flush();
                InputStream fromServer = new BufferedInputStream(server.getInputStream());
                Thread up = pump(in, toServer);
                List<String> answer = readHead(fromServer);
                StringBuilder back = new StringBuilder();
                answer.stream().filter(line -> !line.toLowerCase(Locale.ROOT).startsWith("connection:"))
                        .forEach(line -> back.append(line).append("\r\n"));
                back.append("Connection: close\r\n\r\n");
                out.write(back.toString().getBytes(StandardCharsets.ISO_8859_1));
                fromServer.transferTo(out);
                out.flush();
                up.interrupt();
            }
        } catch (IOException e) {
            // the client or the server went away: the call ends with its connection
        }
    }

    private static Socket connect(String host, int port, OutputStream out) throws IOException {
        try {
            return new Socket(host, port);
        } catch (IOException e) {
            out.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            return null;
        }
    }

    private static void relay(InputStream fromClient, OutputStream toServer, InputStream fromServer,
            OutputStream toClient) throws IOException {
        pump(fromClient, toServer);
        fromServer.transferTo(toClient);
    }

    private static Thread pump(InputStream from, OutputStream to) {
        Thread thread = new Thread(() -> {
            try {
                from.transferTo(to);
                to.flush();
            } catch (IOException e) {
                // the other side closed
            }
        }, "recording-proxy-pump");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static String header(List<String> head, String name) {
        return head.stream().skip(1).filter(line -> line.toLowerCase(Locale.ROOT).startsWith(name + ":"))
                .map(line -> line.substring(name.length() + 1).trim()).findFirst().orElse(null);
    }

    /** The lines up to the blank one; empty when the connection closed first. */
    private static List<String> readHead(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int previous = -1;
        int b;
        boolean lineEmpty = true;
        while ((b = in.read()) >= 0) {
            if (b == '\n' && previous == '\r') {
                if (lineEmpty) {
                    // the bytes end in the last line's CRLF and the blank line's CR
                    String text = bytes.toString(StandardCharsets.ISO_8859_1);
                    return text.length() < 3 ? List.of() : List.of(text.substring(0, text.length() - 3).split("\r\n"));
                }
                lineEmpty = true;
            } else if (b != '\r') {
                lineEmpty = false;
            }
            bytes.write(b);
            previous = b;
        }
        return List.of();
    }
}
