package dev.nanobanana.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.nanobanana.emulator.EmulatorClient.decode;
import static dev.nanobanana.emulator.EmulatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class RunsyncTest {

    private RunpodEmulator emulator;
    private EmulatorClient client;

    @BeforeEach
    void start() throws IOException {
        emulator = RunpodEmulator.start(EmulatorSettings.defaults()
                .withLatency(Duration.ofMillis(20))
                .withRunsyncWait(Duration.ofSeconds(5)));
        client = new EmulatorClient(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void runsyncCompletesWithTheDocumentedFieldsAndAServedPng() {
        HttpResponse<String> response = client.runsync("");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode result = json(response);
        String id = result.get("id").asText();
        assertThat(id).matches("sync-[0-9a-f-]{36}-u1");
        assertThat(result.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(result.get("delayTime").isIntegralNumber()).isTrue();
        assertThat(result.get("executionTime").asLong()).isGreaterThanOrEqualTo(20);
        assertThat(result.at("/output/cost").asDouble()).isEqualTo(0.0875);
        assertThat(result.at("/output/image_url").asText())
                .isEqualTo("http://127.0.0.1:" + emulator.port() + "/images/" + id + ".png");

        HttpResponse<byte[]> image = client.download(result.at("/output/image_url").asText());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(image.headers().firstValueAsLong("Content-Length")).hasValue(image.body().length);
        BufferedImage png = decode(image.body());
        assertThat(png.getWidth()).isEqualTo(1024);
        assertThat(png.getHeight()).isEqualTo(1024);
    }

    @Test
    void jpegAtTwoKInWideFormatHasTheAskedSizeAndPrice() {
        JsonNode result = json(client.runsync(
                "\"resolution\": \"2k\", \"aspect_ratio\": \"16:9\", \"output_format\": \"jpeg\""));

        assertThat(result.at("/output/cost").asDouble()).isEqualTo(0.13);
        String url = result.at("/output/image_url").asText();
        assertThat(url).endsWith(".jpeg");
        HttpResponse<byte[]> image = client.download(url);
        assertThat(image.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        BufferedImage jpeg = decode(image.body());
        assertThat(jpeg.getWidth()).isEqualTo(2048);
        assertThat(jpeg.getHeight()).isEqualTo(1152);
    }

    @Test
    void imageIsServedOnlyInTheFormatTheJobAskedFor() {
        String url = json(client.runsync("")).at("/output/image_url").asText();

        assertThat(client.download(url.replace(".png", ".jpeg")).statusCode()).isEqualTo(404);
        assertThat(client.download(url.replace("/images/", "/images/unknown-")).statusCode()).isEqualTo(404);
    }

    @ParameterizedTest
    @CsvSource({
            "DATA_URI_IN_IMAGE_URL, image_url, 'data:image/png;base64,'",
            "BARE_IN_RESULT,        result,    ''",
            "BARE_IN_IMAGE_URL,     image_url, ''"})
    void base64OutputDecodesToAnImageInEachStyle(Base64Style style, String field, String prefix) {
        emulator.setBase64Style(style);

        JsonNode output = json(client.runsync("\"enable_base64_output\": true")).get("output");

        assertThat(output.fieldNames()).toIterable().containsExactlyInAnyOrder(field, "cost");
        String value = output.get(field).asText();
        assertThat(value).startsWith(prefix);
        BufferedImage image = decode(Base64.getDecoder().decode(value.substring(prefix.length())));
        assertThat(image.getWidth()).isEqualTo(1024);
    }

    @Test
    void base64StyleCanBeSetInTheSettings() throws IOException {
        try (RunpodEmulator bare = RunpodEmulator.start(EmulatorSettings.defaults()
                .withLatency(Duration.ZERO).withBase64Style(Base64Style.BARE_IN_RESULT))) {
            JsonNode output = json(new EmulatorClient(bare).runsync("\"enable_base64_output\": true")).get("output");

            assertThat(output.has("result")).isTrue();
            assertThat(output.has("image_url")).isFalse();
        }
    }

    @Test
    void imageUrlOnAnInvalidHostFailsTheJobWithRunpodsNestedError() {
        String body = EmulatorClient.body("{\"prompt\": \"x\", \"images\": [\"https://example.com/ok.png\", \"https://x.invalid/a.png\"]}");

        HttpResponse<String> response = client.post("/runsync", body);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode result = json(response);
        assertThat(result.get("status").asText()).isEqualTo("FAILED");
        assertThat(result.has("output")).isFalse();
        String error = result.get("error").asText();
        assertThat(error).isEqualTo("Error submitting task: 400, "
                + "{\"code\":400,\"message\":\"Invalid image URL in images array: https://x.invalid/a.png\"}");
        JsonNode nested = json(error.substring(error.indexOf('{')));
        assertThat(nested.get("code").asInt()).isEqualTo(400);
    }

    @Test
    void slowJobAnswersInProgressAndKeepsRunningUntilStatusSaysCompleted() throws IOException {
        try (RunpodEmulator slow = RunpodEmulator.start(EmulatorSettings.defaults()
                .withLatency(Duration.ofMillis(600)).withRunsyncWait(Duration.ofMillis(100)))) {
            EmulatorClient slowClient = new EmulatorClient(slow);

            JsonNode first = json(slowClient.runsync(""));

            assertThat(first.get("status").asText()).isEqualTo("IN_PROGRESS");
            assertThat(first.has("output")).isFalse();
            String id = first.get("id").asText();
            await().atMost(Duration.ofSeconds(3)).until(
                    () -> json(slowClient.get("/status/" + id)).get("status").asText().equals("COMPLETED"));
            assertThat(json(slowClient.get("/status/" + id)).at("/output/image_url").asText()).endsWith(id + ".png");
        }
    }

    @Test
    void jobInsideItsQueueDelayIsInQueue() throws IOException {
        try (RunpodEmulator queued = RunpodEmulator.start(EmulatorSettings.defaults()
                .withQueueDelay(Duration.ofSeconds(5)).withRunsyncWait(Duration.ofMillis(50)))) {
            JsonNode result = json(new EmulatorClient(queued).runsync(""));

            assertThat(result.get("status").asText()).isEqualTo("IN_QUEUE");
        }
    }

    @Test
    void waitQueryParameterShortensTheWindowDownToOneSecond() {
        emulator.inject(Operation.RUNSYNC, Fault.jobRunsFor(Duration.ofSeconds(3)));
        long start = System.nanoTime();

        JsonNode result = json(client.post("/runsync?wait=10", EmulatorClient.body(EmulatorClient.input(""))));

        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(result.get("status").asText()).isEqualTo("IN_PROGRESS");
        assertThat(waitedMillis).isBetween(1_000L, 2_500L);
        assertThat(emulator.requests(Operation.RUNSYNC).get(0).path()).endsWith("/runsync?wait=10");
    }

    @Test
    void closeEndsARunsyncThatIsStillWaiting() {
        emulator.inject(Operation.RUNSYNC, Fault.jobRunsFor(Duration.ofMinutes(30)));
        CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> client.runsync(""));
        await().until(() -> !emulator.requests(Operation.RUNSYNC).isEmpty());

        long start = System.nanoTime();
        emulator.close();

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
        assertThatThrownBy(() -> waiting.get(2, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IOException.class);
    }
}
