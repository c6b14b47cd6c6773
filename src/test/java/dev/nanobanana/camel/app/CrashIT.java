package dev.nanobanana.camel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RunpodEmulator;
import dev.nanobanana.camel.pipeline.PipelineTest;
import dev.nanobanana.camel.runpod.SubmitMode;
import dev.nanobanana.camel.testing.RuntimeProcess;

/**
 * The runtime killed with kill -9 while submitting, while polling and while writing results, and started again each
 * time: every job ends exactly once in a sink, and RunPod saw each job once.
 */
class CrashIT {

    static final int JOBS = 120;
    static final Duration WAIT = Duration.ofSeconds(90);

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

    @ParameterizedTest
    @EnumSource(SubmitMode.class)
    void killedThreeTimesMidBatchEveryJobEndsOnceAndIsPaidOnce(SubmitMode mode) throws Exception {
        // jobs take 3 s, and runsync answers after 1 s: most are polled, so a kill finds jobs in every phase
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofSeconds(3))
                .withRunsyncWait(Duration.ofSeconds(1)).withImageBytes(4096));
        Operation submit = mode == SubmitMode.RUN ? Operation.RUN : Operation.RUNSYNC;
        runtime = new RuntimeProcess(home, Map.of(
                "RUNPOD_API_KEY", emulator.apiKey(),
                "NANOBANANA_ENDPOINT_URL", emulator.endpointUrl(),
                "NANOBANANA_SUBMIT_MODE", mode.name().toLowerCase(java.util.Locale.ROOT),
                "NANOBANANA_CONCURRENCY", "40",
                "NANOBANANA_POLL_INITIAL_INTERVAL", "500",
                "NANOBANANA_POLL_MAX_INTERVAL", "1s"));
        runtime.start();
        for (int i = 0; i < JOBS; i++) {
            runtime.drop("job-" + i + ".json", "{\"prompt\": \"job " + i + "\", \"images\": "
                                                + "[\"https://images.test/a.png\"]}");
        }

        killWhen(() -> emulator.requests(submit).size() >= 20);
        killWhen(() -> emulator.requests(Operation.STATUS).size() >= 60);
        killWhen(() -> runtime.count("out/completed", ".json") >= 50);
        awaitOrShowLog(() -> runtime.count("inbox/.done", ".json") + runtime.count("inbox/.failed", ".json") == JOBS);

        List<String> completed = ids(runtime.names("out/completed", ".json"), ".json");
        List<String> failed = ids(runtime.names("out/failed", ".error.json"), ".error.json");
        Set<String> all = new HashSet<>(completed);
        all.addAll(failed);
        assertThat(all).as("every job in a sink").hasSize(JOBS);
        for (String id : failed) {
            String reason = new ObjectMapper().readTree(runtime.path("out/failed/" + id + ".error.json").toFile())
                    .get("reason").asText();
            assertThat(completed).as("%s is in both sinks; its error record says: %s", id, reason).doesNotContain(id);
            assertThat(reason).as(id).startsWith("outcome unknown after restart");
        }
        Map<String, Long> submissions = emulator.requests(submit).stream().collect(Collectors.groupingBy(
                request -> request.body().replaceAll(".*\"prompt\":\"job (\\d+)\".*", "job-$1"),
                Collectors.counting()));
        assertThat(submissions).as("no job submitted twice").allSatisfy((id, times) -> assertThat(times).isOne());
        assertThat(completed).as("each completed job submitted once").allSatisfy(id ->
                assertThat(submissions).containsEntry(id, 1L));
        assertThat(runtime.log()).contains("Resuming").doesNotContain("OutOfMemory");
        assertThat(runtime.names("out/completed", ".png")).hasSize(completed.size());
        try (var spool = Files.list(runtime.path("out/spool"))) {
            assertThat(spool.filter(file -> !file.getFileName().toString().startsWith("."))).isEmpty();
        }
        System.out.printf("%s: %d completed, %d in doubt, %d submissions%n", mode, completed.size(), failed.size(),
                submissions.size());
    }

    @Test
    void killedWhileAPaidImageWaitsForItsSinkTheNextStartFetchesItAgainAndPaysNothing() throws Exception {
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofMillis(100))
                .withImageBytes(4096));
        runtime = new RuntimeProcess(home, Map.of(
                "RUNPOD_API_KEY", emulator.apiKey(),
                "NANOBANANA_ENDPOINT_URL", emulator.endpointUrl()));
        // the inbox's images go to a sink of the user's own, which takes ten minutes to write the first time
        Files.writeString(runtime.path("routes/inbox.camel.yaml"), inboxWithSlowSink(Duration.ofMinutes(10)));
        runtime.start();
        runtime.drop("shoe.json", PipelineTest.job(""));

        // the image is paid for and kept in the spool; its delivery has not ended
        awaitOrShowLog(() -> !runtime.names("out/spool", ".png").isEmpty());
        runtime.kill();
        assertThat(runtime.path("out/completed/shoe.png")).doesNotExist();
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
        assertThat(emulator.requests(Operation.IMAGE)).hasSize(1);

        Files.writeString(runtime.path("routes/inbox.camel.yaml"), inboxWithSlowSink(Duration.ZERO));
        runtime.start();
        awaitOrShowLog(() -> Files.exists(runtime.path("inbox/.done/shoe.json")));
        assertThat(runtime.path("out/completed/shoe.png")).exists();
        assertThat(new ObjectMapper().readTree(runtime.path("out/completed/shoe.json").toFile()).path("jobId")
                .asText()).isEqualTo("shoe");
        assertThat(emulator.requests(Operation.RUNSYNC)).as("paid once").hasSize(1);
        assertThat(emulator.requests(Operation.IMAGE)).as("the image fetched again").hasSize(2);
        assertThat(runtime.names("out/spool", ".png")).isEmpty();
    }

    /** routes/inbox.camel.yaml, its completed sink a route that waits {@code delay} before it writes to out/completed. */
    private static String inboxWithSlowSink(Duration delay) {
        return """
                - route:
                    id: inbox
                    from:
                      uri: "file:{{nanobanana.inbox}}"
                      parameters:
                        includeExt: json
                        move: .done
                        moveFailed: .failed
                        readLock: idempotent-changed
                        idempotentRepository: "#nanobananaFileClaims"
                        readLockRemoveOnCommit: true
                        readLockMinAge: 1000
                      steps:
                        - setProperty: {name: NanoBananaCompletedSink, constant: "direct:slow-completed"}
                        - to: direct:nanobanana-job-file
                - route:
                    id: slow-completed
                    from:
                      uri: direct:slow-completed
                      steps:
                        - delay:
                            constant: "%d"
                        - to: file:out/completed
                """.formatted(delay.toMillis());
    }

    private void killWhen(Callable<Boolean> moment) throws Exception {
        awaitOrShowLog(() -> moment.call() || !runtime.isAlive());
        runtime.kill();
        runtime.start();
    }

    private void awaitOrShowLog(Callable<Boolean> condition) {
        try {
            await().atMost(WAIT).until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String log = runtime.log();
            throw new AssertionError("not reached; the runtime's log ends with:\n"
                                     + log.substring(Math.max(0, log.length() - 6000)), e);
        }
    }

    private static List<String> ids(List<String> names, String suffix) {
        List<String> ids = new ArrayList<>();
        names.forEach(name -> ids.add(name.substring(0, name.length() - suffix.length())));
        return ids;
    }
}
