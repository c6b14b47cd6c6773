package dev.nanobanana.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;

import static dev.nanobanana.emulator.EmulatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The emulator forgets a job once nobody needs it, so that a long load test does not fill its memory. */
class JobRetentionTest {

    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration LONG = Duration.ofMinutes(10);

    private RunpodEmulator emulator;
    private EmulatorClient client;

    private void start(EmulatorSettings settings) throws IOException {
        emulator = RunpodEmulator.start(settings.withLatency(Duration.ofMillis(20)).withRunsyncWait(Duration.ofSeconds(5)));
        client = new EmulatorClient(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void aDownloadedImageCanBeDownloadedAgainForAGraceThenTheJobIsForgotten() throws IOException {
        start(EmulatorSettings.defaults().withImageGrace(SHORT).withRunsyncResultTtl(LONG));
        JsonNode result = json(client.runsync(""));
        String id = result.get("id").asText();
        String url = result.at("/output/image_url").asText();

        assertThat(client.download(url).statusCode()).isEqualTo(200);
        assertThat(client.download(url).statusCode()).as("a retried download").isEqualTo(200);

        await().atMost(Duration.ofSeconds(5)).until(() -> client.get("/status/" + id).statusCode() == 404);
        assertThat(client.download(url).statusCode()).isEqualTo(404);
        assertThat(emulator.stats().jobsKept()).isZero();
        assertThat(emulator.stats().jobsCompleted()).isEqualTo(1);
    }

    @Test
    void aRunsyncResultNobodyFetchesIsForgottenAfterItsTtlWhileARunResultIsKept() throws IOException {
        start(EmulatorSettings.defaults().withRunsyncResultTtl(SHORT).withRunResultTtl(LONG));
        String syncId = json(client.runsync("")).get("id").asText();
        String runId = json(client.post("/run", EmulatorClient.body(EmulatorClient.input("")))).get("id").asText();
        await().atMost(Duration.ofSeconds(5)).until(() -> json(client.get("/status/" + runId)).get("status").asText().equals("COMPLETED"));

        await().atMost(Duration.ofSeconds(5)).until(() -> client.get("/status/" + syncId).statusCode() == 404);
        assertThat(json(client.get("/status/" + runId)).get("status").asText()).isEqualTo("COMPLETED");
    }

    @Test
    void aRunResultIsForgottenAfterItsOwnTtl() throws IOException {
        start(EmulatorSettings.defaults().withRunsyncResultTtl(LONG).withRunResultTtl(SHORT));
        String runId = json(client.post("/run", EmulatorClient.body(EmulatorClient.input("")))).get("id").asText();

        await().atMost(Duration.ofSeconds(5)).until(() -> client.get("/status/" + runId).statusCode() == 404);
        assertThat(emulator.stats().jobsCompleted()).isEqualTo(1);
    }

    @Test
    void anImageSentInlineCountsAsDownloaded() throws IOException {
        start(EmulatorSettings.defaults().withImageGrace(SHORT).withRunsyncResultTtl(LONG));
        JsonNode result = json(client.runsync("\"enable_base64_output\": true"));
        assertThat(result.at("/output/image_url").asText()).startsWith("data:image/png;base64,");

        await().atMost(Duration.ofSeconds(5)).until(() -> client.get("/status/" + result.get("id").asText()).statusCode() == 404);
    }

    @Test
    void aJobIsKeptWhileItRunsHoweverShortItsTtl() throws IOException, InterruptedException {
        start(EmulatorSettings.defaults().withRunResultTtl(Duration.ZERO).withImageGrace(Duration.ZERO));
        emulator.inject(Operation.RUN, Fault.jobRunsFor(Duration.ofMillis(800)));
        String runId = json(client.post("/run", EmulatorClient.body(EmulatorClient.input("")))).get("id").asText();

        Thread.sleep(400);

        assertThat(json(client.get("/status/" + runId)).get("status").asText()).isEqualTo("IN_PROGRESS");
    }
}
