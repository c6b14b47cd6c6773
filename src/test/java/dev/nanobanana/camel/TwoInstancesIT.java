package dev.nanobanana.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.camel.emulator.EmulatorSettings;
import dev.nanobanana.camel.emulator.Operation;
import dev.nanobanana.camel.emulator.RunpodEmulator;
import dev.nanobanana.camel.ledger.TestPostgres;

/**
 * Two instances of the runtime on one inbox and one PostgreSQL ledger, one of them killed with kill -9 mid-batch and
 * never started again: the other takes over its files and its jobs, every job ends exactly once in a sink, and RunPod
 * saw each job at most once.
 */
class TwoInstancesIT {

    static final int JOBS = 200;
    static final Duration WAIT = Duration.ofSeconds(150);

    @TempDir
    Path root;
    TestPostgres postgres;
    RunpodEmulator emulator;
    RuntimeProcess a;
    RuntimeProcess b;

    @AfterEach
    void stop() throws Exception {
        for (RuntimeProcess runtime : new RuntimeProcess[] {a, b}) {
            if (runtime != null) {
                runtime.close();
            }
        }
        if (emulator != null) {
            emulator.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void oneInstanceKilledTheOtherFinishesItsWorkAndNothingIsPaidTwice() throws Exception {
        postgres = TestPostgres.start();
        String ledgerUrl = postgres.newDatabase();
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofSeconds(2))
                .withRunsyncWait(Duration.ofSeconds(1)).withImageBytes(4096));
        Path inbox = Files.createDirectories(root.resolve("shared/inbox"));
        Path completed = root.resolve("shared/completed");
        Path failed = root.resolve("shared/failed");
        a = instance("a", ledgerUrl, inbox, completed, failed);
        b = instance("b", ledgerUrl, inbox, completed, failed);
        a.start();
        b.start();
        for (int i = 0; i < JOBS; i++) {
            Path staged = Files.writeString(root.resolve(".job-" + i + ".json"), "{\"prompt\": \"job " + i
                    + "\", \"images\": [\"https://images.test/a.png\"]}", StandardCharsets.UTF_8);
            Files.move(staged, inbox.resolve("job-" + i + ".json"));
        }

        awaitOrShowLogs(() -> owners(ledgerUrl).keySet().containsAll(Set.of("a", "b")));
        awaitOrShowLogs(() -> emulator.requests(Operation.RUNSYNC).size() >= 60 || !b.isAlive());
        b.kill();

        awaitOrShowLogs(() -> count(inbox.resolve(".done")) + count(inbox.resolve(".failed")) == JOBS);
        Set<String> completedIds = ids(completed, ".json");
        Set<String> failedIds = ids(failed, ".error.json");
        Set<String> all = new HashSet<>(completedIds);
        all.addAll(failedIds);
        assertThat(all).as("every job in a sink").hasSize(JOBS);
        for (String id : failedIds) {
            String reason = new ObjectMapper().readTree(failed.resolve(id + ".error.json").toFile())
                    .get("reason").asText();
            assertThat(completedIds).as("%s is in both sinks; its error record says: %s", id, reason)
                    .doesNotContain(id);
            assertThat(reason).as(id).startsWith("outcome unknown after restart");
        }
        Map<String, Long> submissions = emulator.requests(Operation.RUNSYNC).stream().collect(Collectors.groupingBy(
                request -> request.body().replaceAll(".*\"prompt\":\"job (\\d+)\".*", "job-$1"),
                Collectors.counting()));
        assertThat(submissions).as("no job submitted twice").allSatisfy((id, times) -> assertThat(times).isOne());
        assertThat(completedIds).as("each completed job submitted once").allSatisfy(id ->
                assertThat(submissions).containsEntry(id, 1L));
        assertThat(owners(ledgerUrl)).as("the survivor holds every job b left").doesNotContainKey("b");
        assertThat(a.log()).contains("Taking over");
        assertThat(ids(completed, ".png")).isEqualTo(completedIds);
        System.out.printf("two instances: %d completed, %d in doubt, %d submissions%n", completedIds.size(),
                failedIds.size(), submissions.size());
    }

    private RuntimeProcess instance(String id, String ledgerUrl, Path inbox, Path completed, Path failed)
            throws Exception {
        return new RuntimeProcess(Files.createDirectories(root.resolve(id)), Map.of(
                "RUNPOD_API_KEY", emulator.apiKey(),
                "NANOBANANA_ENDPOINT_URL", emulator.endpointUrl(),
                "NANOBANANA_INSTANCE_ID", id,
                "NANOBANANA_LEDGER_URL", ledgerUrl,
                "NANOBANANA_LEDGER_USER", TestPostgres.USER,
                "NANOBANANA_LEDGER_LEASE", "6s",
                "NANOBANANA_INBOX", inbox.toString(),
                "NANOBANANA_COMPLETED_DIR", completed.toString(),
                "NANOBANANA_FAILED_DIR", failed.toString(),
                "NANOBANANA_CONCURRENCY", "40"));
    }

    /** How many unfinished-or-finished jobs each instance holds in the ledger. */
    private static Map<String, Long> owners(String ledgerUrl) throws Exception {
        Map<String, Long> owners = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(ledgerUrl, TestPostgres.USER, "");
                Statement statement = connection.createStatement()) {
            if (!connection.getMetaData().getTables(null, null, "ledger_job", null).next()) {
                return owners;
            }
            try (ResultSet rows = statement.executeQuery(
                    "SELECT owner, count(*) FROM ledger_job WHERE owner IS NOT NULL GROUP BY owner")) {
                while (rows.next()) {
                    owners.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return owners;
    }

    private void awaitOrShowLogs(Callable<Boolean> condition) {
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("not reached; a's log ends with:\n" + tail(a) + "\nb's log ends with:\n"
                                     + tail(b), e);
        }
    }

    private static String tail(RuntimeProcess runtime) {
        String log = runtime.log();
        return log.substring(Math.max(0, log.length() - 5000));
    }

    private static long count(Path folder) throws Exception {
        return ids(folder, ".json").size();
    }

    private static Set<String> ids(Path folder, String suffix) throws Exception {
        if (!Files.isDirectory(folder)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> !name.startsWith(".") && name.endsWith(suffix))
                    .map(name -> name.substring(0, name.length() - suffix.length()))
                    .collect(Collectors.toSet());
        }
    }
}
