package dev.nanobanana.emulator;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Stopping the emulator is not a RunPod failure: clients lose their connection, none is told that its job failed. */
class ShutdownTest {

    @Test
    void closingWhileJobsRenderDropsEveryWaitingClientAndFailsNoJob() throws IOException {
        RunpodEmulator emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofMillis(50)));
        EmulatorClient client = new EmulatorClient(emulator);
        // distinct 4k prompts: a few seconds of rendering on the render threads, so that close comes in the middle
        List<CompletableFuture<HttpResponse<String>>> waiting = IntStream.range(0, 12)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> client.post("/runsync", EmulatorClient.body(
                        "{\"prompt\": \"banana number " + i + "\", \"images\": [\"" + EmulatorClient.IMAGE + "\"],"
                                + " \"resolution\": \"4k\"}"))))
                .toList();
        await().until(() -> emulator.stats().requests(Operation.RUNSYNC) == 12);

        emulator.close();

        assertThat(waiting).allSatisfy(answer -> assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS))
                .hasRootCauseInstanceOf(IOException.class));
        assertThat(emulator.stats().jobsFailed()).isZero();
    }
}
