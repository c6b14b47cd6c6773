package dev.nanobanana.camel.emulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/** Takes every HTTP request: records it, applies a waiting fault, checks the key and passes it to the {@link JobApi}. */
final class EmulatorHandler implements HttpHandler {

    private static final String NOT_JSON_PAGE = "<html><head><title>502 Bad Gateway</title></head>"
            + "<body><h1>502 Bad Gateway</h1><p>not-json fault injected into the RunPod emulator</p></body></html>";

    private final JobApi api;
    private final FaultQueue faults;
    private final Consumer<RecordedRequest> recorder;
    private final byte[] expectedAuthorization;

    EmulatorHandler(JobApi api, FaultQueue faults, Consumer<RecordedRequest> recorder, String apiKey) {
        this.api = api;
        this.faults = faults;
        this.recorder = recorder;
        this.expectedAuthorization = ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Optional<Route> route = Route.of(exchange.getRequestURI().getPath());
            if (route.isPresent()) {
                answer(exchange, route.get()).sendTo(exchange);
            } else {
                RequestBody.read(exchange.getRequestBody(), 0);
                Reply.error(404, "No such endpoint: " + exchange.getRequestURI().getPath()).sendTo(exchange);
            }
        }
    }

    private Reply answer(HttpExchange exchange, Route route) throws IOException {
        RequestBody body = RequestBody.read(exchange.getRequestBody(), route.bodyLimit());
        boolean authorized = hasKey(exchange);
        String query = exchange.getRequestURI().getRawQuery();
        String path = exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query);
        recorder.accept(new RecordedRequest(route.operation(), exchange.getRequestMethod(), path, authorized, body.text(),
                Instant.now()));

        if (!route.method().equals(exchange.getRequestMethod())) {
            return Reply.error(405, "Use " + route.method() + " for " + route.operation().name().toLowerCase(Locale.ROOT))
                    .withHeader("Allow", route.method());
        }
        Optional<Fault> fault = faults.takeAnswerFault(route.operation());
        if (fault.isPresent()) {
            return faultReply(fault.get());
        }
        if (route.needsKey() && !authorized) {
            return Reply.error(401, exchange.getRequestHeaders().containsKey("Authorization")
                    ? "Invalid API key"
                    : "Missing API key: send the header Authorization: Bearer <api key>");
        }
        try {
            return switch (route.operation()) {
                case RUNSYNC -> api.runsync(body, query);
                case RUN -> api.run(body);
                case STATUS -> api.status(route.argument());
                case CANCEL -> api.cancel(route.argument());
                case HEALTH -> api.health();
                case IMAGE -> api.image(route.argument());
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("RunPod emulator is closing", e);
        }
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
