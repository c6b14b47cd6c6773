package dev.nanobanana.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** What the tests use to talk to the emulator: a real java.net.http client on a fresh connection pool. */
final class EmulatorClient {

    static final String PROMPT = "Put a tiny banana hat on the cat";
    static final String IMAGE = "https://example.com/cat.png";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final RunpodEmulator emulator;

    EmulatorClient(RunpodEmulator emulator) {
        this.emulator = emulator;
    }

    /** A body with the given {@code input} JSON object text. */
    static String body(String inputJson) {
        return "{\"input\": " + inputJson + "}";
    }

    static String input(String extraFields) {
        return "{\"prompt\": \"" + PROMPT + "\", \"images\": [\"" + IMAGE + "\"]"
                + (extraFields.isEmpty() ? "" : ", " + extraFields) + "}";
    }

    HttpResponse<String> runsync(String extraFields) {
        return post("/runsync", body(input(extraFields)));
    }

    HttpResponse<String> post(String operationPath, String body) {
        return send(withKey(operationPath).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> get(String operationPath) {
        return send(withKey(operationPath).GET());
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return sendOrThrow(request);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For tests that expect the connection to fail. */
    HttpResponse<String> sendOrThrow(HttpRequest.Builder request) throws IOException {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder withKey(String operationPath) {
        return request(operationPath).header("Authorization", "Bearer " + emulator.apiKey());
    }

    HttpRequest.Builder request(String operationPath) {
        return HttpRequest.newBuilder(URI.create(emulator.endpointUrl() + operationPath)).timeout(Duration.ofSeconds(10));
    }

    HttpResponse<byte[]> download(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        return json(response.body());
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new IllegalStateException("not an image ImageIO can read");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
