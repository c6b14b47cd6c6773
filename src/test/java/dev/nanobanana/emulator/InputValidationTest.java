package dev.nanobanana.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.stream.Stream;

import static dev.nanobanana.emulator.EmulatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Bodies RunPod rejects are answered 400 with a FAILED job that never ran and a reason a person can act on. */
class InputValidationTest {

    private static RunpodEmulator emulator;
    private static EmulatorClient client;

    @BeforeAll
    static void start() throws IOException {
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ZERO));
        client = new EmulatorClient(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    static Stream<Arguments> invalidBodies() {
        String cat = "\"" + EmulatorClient.IMAGE + "\"";
        return Stream.of(
                arguments("", "must be a JSON object"),
                arguments("not json at all", "not valid JSON"),
                arguments("{\"input\": {}} trailing", "not valid JSON"),
                arguments("[1, 2]", "must be a JSON object"),
                arguments("{\"prompt\": \"x\"}", "\"input\" object"),
                arguments("{\"input\": \"x\"}", "\"input\" object"),
                arguments(EmulatorClient.body("{\"images\": [" + cat + "]}"), "input.prompt"),
                arguments(EmulatorClient.body("{\"prompt\": \"  \", \"images\": [" + cat + "]}"), "input.prompt"),
                arguments(EmulatorClient.body("{\"prompt\": 7, \"images\": [" + cat + "]}"), "input.prompt"),
                arguments(EmulatorClient.body("{\"prompt\": \"x\"}"), "input.images is required"),
                arguments(EmulatorClient.body("{\"prompt\": \"x\", \"images\": []}"), "1 to 14 images, got 0"),
                arguments(EmulatorClient.body("{\"prompt\": \"x\", \"images\": ["
                        + String.join(",", Collections.nCopies(15, cat)) + "]}"), "1 to 14 images, got 15"),
                arguments(EmulatorClient.body("{\"prompt\": \"x\", \"images\": [" + cat + ", \"ftp://a/b.png\"]}"), "input.images[1]"),
                arguments(EmulatorClient.body("{\"prompt\": \"x\", \"images\": [\"cat.png\"]}"), "input.images[0]"),
                arguments(EmulatorClient.body("{\"prompt\": \"x\", \"images\": [3]}"), "input.images[0]"),
                arguments(EmulatorClient.body("{\"prompt\": \"x\", \"images\": [\"data:image/png;base64,@@@\"]}"), "input.images[0] is a data URI whose data is not base64"),
                arguments(EmulatorClient.body(EmulatorClient.input("\"resolution\": \"8k\"")), "input.resolution must be one of 1k, 2k, 4k, got \"8k\""),
                arguments(EmulatorClient.body(EmulatorClient.input("\"resolution\": null")), "input.resolution must be one of 1k, 2k, 4k, got null"),
                arguments(EmulatorClient.body("{\"prompt\": \"x\", \"images\": [\"data:text/plain;base64,aGk=\"]}"), "input.images[0] is not a valid data URI"),
                arguments(EmulatorClient.body(EmulatorClient.input("\"aspect_ratio\": \"7:3\"")), "input.aspect_ratio must be one of"),
                arguments(EmulatorClient.body(EmulatorClient.input("\"output_format\": \"webp\"")), "input.output_format must be one of png, jpeg"),
                arguments(EmulatorClient.body(EmulatorClient.input("\"enable_base64_output\": \"yes\"")), "enable_base64_output must be true or false"),
                arguments(EmulatorClient.body(EmulatorClient.input("\"seed\": 42")), "Unknown field \"seed\" in input"));
    }

    @ParameterizedTest
    @MethodSource("invalidBodies")
    void runsyncRejectsInvalidBodyWithAClearReason(String body, String reason) {
        HttpResponse<String> response = client.post("/runsync", body);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode result = json(response);
        assertThat(result.get("id").asText()).startsWith("sync-");
        assertThat(result.get("status").asText()).isEqualTo("FAILED");
        assertThat(result.get("error").asText()).contains(reason);
    }

    @Test
    void runRejectsInvalidBodyTheSameWay() {
        HttpResponse<String> response = client.post("/run", EmulatorClient.body("{\"prompt\": \"x\", \"images\": []}"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("error").asText()).contains("1 to 14 images, got 0");
    }

    @Test
    void dataUriImagesAndAllOptionsAreAccepted() {
        String body = EmulatorClient.body("{\"prompt\": \"x\", \"images\": [\"data:image/png;base64,iVBORw0KGgo=\"],"
                + " \"resolution\": \"1k\", \"aspect_ratio\": \"21:9\", \"output_format\": \"png\", \"enable_base64_output\": false}");

        assertThat(json(client.post("/runsync", body)).get("status").asText()).isEqualTo("COMPLETED");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/run", "/runsync"})
    void bodyOverThePayloadLimitIsRejected(String operation) {
        int limit = operation.equals("/run") ? 10 : 20;
        String body = EmulatorClient.body(EmulatorClient.input("")).replace(EmulatorClient.PROMPT,
                "x".repeat(limit * 1024 * 1024));

        HttpResponse<String> response = client.post(operation, body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("error").asText()).contains("payload limit of " + limit + " MB");
    }
}
