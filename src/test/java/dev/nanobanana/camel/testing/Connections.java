package dev.nanobanana.camel.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * What the tests' loopback servers share: a daemon thread that accepts connections until the server socket closes,
 * each connection handled on a daemon thread of its own.
 */
final class Connections {

    interface Handler {
        void handle(Socket connection) throws IOException;
    }

    private Connections() {
    }

    /** Serves every connection {@code socket} accepts with {@code handler}, on threads named after {@code name}. */
    static void serveEach(ServerSocket socket, String name, Handler handler) {
        daemon(name, () -> {
            while (!socket.isClosed()) {
                Socket connection;
                try {
                    connection = socket.accept();
                } catch (IOException e) {
                    return;
                }
                daemon(name + "-call", () -> {
                    try {
                        handler.handle(connection);
                    } catch (IOException e) {
                        // the other side went away, or never came: so does this connection
                        try {
                            connection.close();
                        } catch (IOException closing) {
                            // closed already
                        }
                    }
                });
            }
        });
    }

    static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }
}
