package dev.nanobanana.emulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Takes every HTTP request: records it, applies a waiting fault, checks the key and passes it to the {@link JobApi}.
 * An answer that is not ready yet (a runsync waiting for its job) is sent later from another thread: the JDK server
 * keeps the connection open until the exchange is closed, so no thread waits with it.
 */
final class EmulatorHandler implements HttpHandler {

    static final String STATS_PATH = "/emulator/stats";
    /** A host name, an IPv4 address or a bracketed IPv6 one, and a port: nothing that could bend a URL. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+](:\\d{1,5})?");

    private static final String NOT_JSON_PAGE = "<html><head><title>502 Bad Gateway</title></head>"
            + "<body><h1>502 Bad Gateway</h1><p>not-json fault injected into the RunPod emulator</p></body></html>";

    private final JobApi api;
    private final FaultQueue faults;
    private final RequestLog log;
    private final Supplier<EmulatorStats> stats;
    private final byte[] expectedAuthorization;
    private final String ownOrigin;

    /** @param ownOrigin {@code http://host:port} of the emulator, for a request that does not name the host it asked */
    EmulatorHandler(JobApi api, FaultQueue faults, RequestLog log, Supplier<EmulatorStats> stats, String apiKey,
                    String ownOrigin) {
        this.api = api;
        this.faults = faults;
        this.log = log;
        this.stats = stats;
        this.expectedAuthorization = ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
        this.ownOrigin = ownOrigin;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        CompletableFuture<Reply> reply;
        try {
            reply = answer(exchange);
        } catch (IOException | RuntimeException e) {
            // the JDK server closes the connection without an answer
            exchange.close();
            throw e;
        }
        if (reply.isDone() && !reply.isCompletedExceptionally()) {
            send(exchange, reply.join());
        } else {
            reply.whenComplete((ready, failure) -> {
                if (failure == null) {
                    send(exchange, ready);
                } else {
                    exchange.close();
                }
            });
        }
    }

    private CompletableFuture<Reply> answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.equals(STATS_PATH)) {
            RequestBody.read(exchange.getRequestBody(), 0);
            return CompletableFuture.completedFuture("GET".equals(exchange.getRequestMethod())
                    ? Reply.json(200, stats.get().toJson())
                    : Reply.error(405, "Use GET for the emulator's stats").withHeader("Allow", "GET"));
        }
        Optional<Route> route = Route.of(path);
        if (route.isEmpty()) {
            RequestBody.read(exchange.getRequestBody(), 0);
            return CompletableFuture.completedFuture(Reply.error(404, "No such endpoint: " + path));
        }
        return answer(exchange, route.get());
    }

    private CompletableFuture<Reply> answer(HttpExchange exchange, Route route) throws IOException {
        RequestBody body = RequestBody.read(exchange.getRequestBody(), route.bodyLimit());
        boolean authorized = hasKey(exchange);
        String query = exchange.getRequestURI().getRawQuery();
        String path = exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query);
        log.add(route.operation(), () -> new RecordedRequest(route.operation(), exchange.getRequestMethod(), path,
                authorized, body.text(), Instant.now()));

        if (!route.method().equals(exchange.getRequestMethod())) {
            return ready(Reply.error(405, "Use " + route.method() + " for " + route.operation().name().toLowerCase(Locale.ROOT))
                    .withHeader("Allow", route.method()));
        }
        Optional<Fault> fault = faults.takeAnswerFault(route.operation());
        if (fault.isPresent() && fault.get() instanceof Fault.StallMidBody) {
            return answerAsAsked(exchange, route, body, query, authorized).thenApply(Reply::stalledMidBody);
        }
        if (fault.isPresent()) {
            return ready(faultReply(fault.get()));
        }
        return answerAsAsked(exchange, route, body, query, authorized);
    }

    private CompletableFuture<Reply> answerAsAsked(HttpExchange exchange, Route route, RequestBody body,
            String query, boolean authorized) {
        if (route.needsKey() && !authorized) {
            return ready(Reply.error(401, exchange.getRequestHeaders().containsKey("Authorization")
                    ? "Invalid API key"
                    : "Missing API key: send the header Authorization: Bearer <api key>"));
        }
        return switch (route.operation()) {
            case RUNSYNC -> api.runsync(body, query, origin(exchange));
            case RUN -> ready(api.run(body));
            case STATUS -> ready(api.status(route.argument(), origin(exchange)));
            case CANCEL -> ready(api.cancel(route.argument()));
            case HEALTH -> ready(api.health());
            case IMAGE -> ready(api.image(route.argument()));
        };
    }

    /** Sends the reply and ends the exchange; a reply that stalls leaves it, and its connection, open. */
    private static void send(HttpExchange exchange, Reply reply) {
        if (reply.stallsMidBody()) {
            try {
                reply.sendTo(exchange);
            } catch (IOException e) {
                exchange.close();
            }
            return;
        }
        try (exchange) {
            reply.sendTo(exchange);
        } catch (IOException e) {
            // the client has gone; nothing to tell anyone
        }
    }

    private static CompletableFuture<Reply> ready(Reply reply) {
        return CompletableFuture.completedFuture(reply);
    }

    /**
     * Where the client reached the emulator, as its Host header says: a client in another container or on another
     * machine (the emulator listening on 0.0.0.0) gets image URLs it can reach too.
     */
    private String origin(HttpExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst("Host");
        return host != null && HOST.matcher(host).matches() ? "http://" + host : ownOrigin;
    }

    private boolean hasKey(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        return authorization != null
                && MessageDigest.isEqual(expectedAuthorization, authorization.getBytes(StandardCharsets.UTF_8));
    }

    private static Reply faultReply(Fault fault) throws IOException {
        if (fault instanceof Fault.HttpStatus status) {
            Reply reply = Reply.error(status.status(), "Injected fault: HTTP " + status.status());
            return status.retryAfter() == null ? reply : reply.withHeader("Retry-After", retryAfterSeconds(status));
        }
        if (fault instanceof Fault.NotJson) {
            return Reply.html(200, NOT_JSON_PAGE);
        }
        if (fault instanceof Fault.DropConnection) {
            // throwing before any header is sent makes the JDK server close the connection without an answer
            throw new IOException("Injected fault: connection dropped");
        }
        throw new IllegalStateException("Not a fault that replaces the answer: " + fault);
    }

    /** Retry-After counts whole seconds, so a part second rounds up. */
    private static String retryAfterSeconds(Fault.HttpStatus status) {
        long millis = status.retryAfter().toMillis();
        return Long.toString((millis + 999) / 1000);
    }
}
