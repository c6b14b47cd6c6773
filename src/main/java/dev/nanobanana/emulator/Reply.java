package dev.nanobanana.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP answer the emulator sends: status, headers and body.
 *
 * @param stallsMidBody only the first half of the body is sent, then nothing (an injected fault)
 */
record Reply(int status, Map<String, String> headers, byte[] body, boolean stallsMidBody) {

    Reply(int status, Map<String, String> headers, byte[] body) {
        this(status, headers, body, false);
    }

    static Reply json(int status, JsonNode body) {
        return new Reply(status, Map.of("Content-Type", "application/json"), body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON {@code {"error": message}}, as RunPod answers requests it turns away without a job. */
    static Reply error(int status, String message) {
        return json(status, JsonNodeFactory.instance.objectNode().put("error", message));
    }

    static Reply html(int status, String page) {
        return new Reply(status, Map.of("Content-Type", "text/html; charset=utf-8"), page.getBytes(StandardCharsets.UTF_8));
    }

    static Reply image(EncodedImage image) {
        return new Reply(200, Map.of("Content-Type", image.format().mediaType()), image.bytes());
    }

    Reply withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Reply(status, Map.copyOf(more), body, stallsMidBody);
    }

    Reply stalledMidBody() {
        return new Reply(status, headers, body, true);
    }

    void sendTo(HttpExchange exchange) throws IOException {
        headers.forEach(exchange.getResponseHeaders()::set);
        // -1 tells the JDK server there is no body; 0 would mean chunked
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (stallsMidBody) {
            // the stream is left open, so the connection stays open with the rest of the body never coming
            OutputStream out = exchange.getResponseBody();
            out.write(body, 0, body.length / 2);
            out.flush();
        } else if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
