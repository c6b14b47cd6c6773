package dev.nanobanana.camel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RunpodEmulator;
import dev.nanobanana.camel.testing.RuntimeProcess;

/** SIGTERM (a redeploy, docker stop) with jobs in flight: nothing is lost, nothing is paid twice. */
class ShutdownIT {

    static final int JOBS = 60;

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

    private String failedRecords() {
        try {
            java.nio.file.Files.copy(runtime.path("runtime.log"), Path.of("/tmp/shutdownit-runtime.log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            java.nio.file.Files.writeString(Path.of("/tmp/shutdownit-names.txt"),
                    String.join("\n", runtime.names("out/completed", ".json")));
        } catch (java.io.IOException e) {
            // only for looking into a failure
        }
        StringBuilder records = new StringBuilder();
        try {
            for (String name : runtime.names("out/failed", ".error.json")) {
                records.append(java.nio.file.Files.readString(runtime.path("out/failed/" + name))).append('\n');
            }
        } catch (java.io.IOException e) {
            records.append(e);
        }
        return records + runtime.log().substring(Math.max(0, runtime.log().length() - 4000));
    }

    @Test
    void sigtermStopsIntakeLetsJobsInFlightFinishAndTheRestResumeOnceAtTheNextStart() throws Exception {
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofSeconds(3))
                .withImageBytes(4096));
        runtime = new RuntimeProcess(home, Map.of("RUNPOD_API_KEY", emulator.apiKey(),
                "NANOBANANA_ENDPOINT_URL", emulator.endpointUrl(), "NANOBANANA_CONCURRENCY", "10"));
        runtime.start();
        for (int i = 0; i < JOBS; i++) {
            runtime.drop("job-" + i + ".json", "{\"prompt\": \"job " + i + "\", \"images\": "
                                                + "[\"https://images.test/a.png\"]}");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> emulator.requests(Operation.RUNSYNC).size() >= 15);

        long stopping = System.nanoTime();
        runtime.terminate();
        Duration took = Duration.ofNanos(System.nanoTime() - stopping);

        assertThat(took).as("well inside camel.main.shutdown-timeout").isLessThan(Duration.ofSeconds(20));
        assertThat(runtime.log()).contains("Stopping: ").contains("waiting job(s) are not submitted, and resume at "
                                                                  + "the next start");
        assertThat(runtime.names("inbox/.failed", ".json")).as(() -> failedRecords()).isEmpty();
        assertThat(runtime.names("out/failed", ".error.json")).as(() -> failedRecords()).isEmpty();
        int submittedBeforeTheStop = emulator.requests(Operation.RUNSYNC).size();
        assertThat(submittedBeforeTheStop).isLessThan(JOBS);
        // every job that was submitted finished within the grace period: none is left in doubt
        assertThat(runtime.count("out/completed", ".json")).isEqualTo(submittedBeforeTheStop);

        runtime.start();
        await().atMost(Duration.ofSeconds(120)).until(() -> runtime.count("inbox/.done", ".json") == JOBS);
        assertThat(runtime.names("out/completed", ".json")).as(() -> failedRecords()).hasSize(JOBS);
        Map<String, Long> submissions = emulator.requests(Operation.RUNSYNC).stream().collect(Collectors.groupingBy(
                request -> request.body().replaceAll(".*\"prompt\":\"(job \\d+)\".*", "$1"), Collectors.counting()));
        assertThat(submissions).hasSize(JOBS).allSatisfy((job, times) -> assertThat(times).as(job).isOne());
    }
}
