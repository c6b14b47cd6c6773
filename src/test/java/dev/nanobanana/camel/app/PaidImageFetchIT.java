package dev.nanobanana.camel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Fault;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RunpodEmulator;
import dev.nanobanana.camel.pipeline.PipelineTest;
import dev.nanobanana.camel.testing.RuntimeProcess;

/**
 * A paid image whose download failed for good (its host answered 404 for longer than retry.paid-image-for) is not
 * lost: a later start with nanobanana.fetch-paid-images=true fetches and delivers it, RunPod is not paid again, and its
 * old error record leaves the failed sink.
 */
class PaidImageFetchIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path home;
    RunpodEmulator emulator;
    RuntimeProcess runtime;

    @AfterEach
    void stop() throws InterruptedException {
        if (runtime != null) {
            runtime.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void anImageWhoseDownloadFailedForGoodIsFetchedLaterWithoutPayingAgain() throws Exception {
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofMillis(100)));
        for (int i = 0; i < 1000; i++) {
            emulator.inject(Operation.IMAGE, Fault.httpStatus(404));
        }
        Map<String, String> environment = new HashMap<>(Map.of(
                "RUNPOD_API_KEY", emulator.apiKey(),
                "NANOBANANA_ENDPOINT_URL", emulator.endpointUrl(),
                "NANOBANANA_RETRY_INITIAL_DELAY", "200",
                "NANOBANANA_RETRY_PAID_IMAGE_FOR", "2s"));
        runtime = new RuntimeProcess(home, environment);
        runtime.start();
        runtime.drop("shoe.json", PipelineTest.job(""));

        Path record = runtime.path("out/failed/shoe.error.json");
        await().atMost(WAIT).until(() -> Files.exists(record));
        JsonNode error = new ObjectMapper().readTree(record.toFile());
        assertThat(error.get("imageUrl").asText()).startsWith("http");
        assertThat(error.get("reason").asText()).contains("paid for");
        runtime.terminate();
        assertThat(emulator.requests(Operation.IMAGE).size()).isGreaterThan(1);

        // the image host is back; the user asks for the paid images once
        emulator.clearFaults();
        environment.put("NANOBANANA_FETCH_PAID_IMAGES", "true");
        runtime = new RuntimeProcess(home, environment);
        runtime.start();

        Path image = runtime.path("out/completed/shoe.png");
        await().atMost(WAIT).until(() -> Files.exists(runtime.path("out/completed/shoe.json")));
        assertThat(ImageIO.read(image.toFile())).isNotNull();
        assertThat(runtime.log()).contains("Fetching 1 paid image(s) whose download had failed");
        // the failed folder lists only what failed: the job's old error record is gone
        await().atMost(WAIT).until(() -> Files.notExists(record));
        assertThat(runtime.path("out/failed")).isEmptyDirectory();
        assertThat(runtime.log())
                .contains("Job shoe was delivered after all: its error record out/failed/shoe.error.json is removed");
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }
}
