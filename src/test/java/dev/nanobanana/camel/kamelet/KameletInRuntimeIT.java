package dev.nanobanana.camel.kamelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RunpodEmulator;
import dev.nanobanana.camel.testing.RuntimeProcess;

/**
 * A route file of the user's own in routes/ calls kamelet:nano-banana-edit-action: the standalone runtime's pipeline
 * serves it, with the runtime's endpoint, key and ledger.
 */
class KameletInRuntimeIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String ROUTE = """
            - route:
                id: edit-requests
                from:
                  uri: file:requests
                  parameters:
                    move: .done
                  steps:
                    - to: kamelet:nano-banana-edit-action
                    - log: "Job ${header.NanoBananaJobId} ${header.NanoBananaStatus}: ${header.NanoBananaImageFile}, RunPod job ${header.NanoBananaRunpodId}, ${header.NanoBananaCostUsd} USD"
                    - to: file:answers
            """;

    @TempDir
    Path home;
    RunpodEmulator emulator;
    RuntimeProcess runtime;

    @BeforeEach
    void start() throws Exception {
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofMillis(100)));
        runtime = new RuntimeProcess(home, Map.of("RUNPOD_API_KEY", emulator.apiKey(),
                "NANOBANANA_ENDPOINT_URL", emulator.endpointUrl()));
        Files.writeString(home.resolve("routes/edit.camel.yaml"), ROUTE, StandardCharsets.UTF_8);
        Files.createDirectories(home.resolve("requests"));
    }

    @AfterEach
    void stop() throws Exception {
        runtime.close();
        emulator.close();
    }

    @Test
    void routeOfTheUsersOwnEditsWithTheKameletAndTheSameJobAgainIsNotPaidAgain() throws Exception {
        runtime.start();
        String job = "{\"id\": \"cup\", \"prompt\": \"Make the cup red\", \"images\": [\"https://images.test/cup.png\"]}";

        request("cup.json", job);
        ObjectNode first = answer("cup.json");
        request("cup-again.json", job);
        ObjectNode again = answer("cup-again.json");

        assertThat(first.get("status").asText()).as(runtime.log()).isEqualTo("COMPLETED");
        ObjectNode record = (ObjectNode) new ObjectMapper().readTree(home.resolve("out/completed/cup.json").toFile());
        // the answer's completedAt is when the ledger recorded the delivery, a moment after the record was written
        assertThat(again.remove("completedAt")).isNotNull();
        record.remove("completedAt");
        assertThat(again).isEqualTo(record);
        assertThat(home.resolve("out/completed/cup.png")).exists();
        assertThat(runtime.log()).contains("Job cup completed: cup.png")
                .contains("Job edit-requests/cup was delivered already")
                // the route's own log step, as README's kamelet example has it, with the shipped config/logback.xml
                .containsPattern("INFO +edit-requests +Job cup COMPLETED: cup.png, RunPod job "
                          + record.get("runpodId").asText() + ", 0.0875 USD");
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    /** The route's answer, once written whole: its file: step writes in place, so the file exists before it does. */
    private ObjectNode answer(String name) {
        Path file = home.resolve("answers").resolve(name);
        return await().atMost(WAIT).until(() -> {
            try {
                return Files.exists(file) && new ObjectMapper().readTree(file.toFile()) instanceof ObjectNode answer
                       ? answer : null;
            } catch (IOException halfWritten) {
                return null;
            }
        }, Objects::nonNull);
    }

    private void request(String name, String content) throws Exception {
        Path staged = Files.writeString(home.resolve("." + name), content, StandardCharsets.UTF_8);
        Files.move(staged, home.resolve("requests").resolve(name));
    }
}
