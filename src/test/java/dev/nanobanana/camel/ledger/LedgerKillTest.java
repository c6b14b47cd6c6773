package dev.nanobanana.camel.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.camel.job.JobState;

/**
 * The ledger's promise under kill -9: every write it returned from is in the file that the next start opens. A writer
 * process takes jobs through their steps as fast as it can, and says each job it has recorded as submitting; it is
 * killed with SIGKILL after some seconds (past the time after which H2 reuses the space of chunks it no longer needs),
 * started again on the same file, and killed again. Each time, every job it said is in the file as submitted or later.
 * (H2 2.5.252 failed this in 5 of 7 runs: once it wrote chunks into the space of dead ones, a kill could lose the last
 * commits it had returned from. 2.3.232 keeps them.)
 */
class LedgerKillTest {

    static final String OWNER = "instance-a";

    @TempDir
    Path work;

    @Test
    void everyJobTheLedgerRecordedAsSubmittingIsThereAfterAKill9() throws Exception {
        String url = "jdbc:h2:file:" + work.resolve("state/ledger");
        for (int round = 0; round < 5; round++) {
            List<String> said = new CopyOnWriteArrayList<>();
            Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Writer.class.getName(), url, "round-" + round)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(
                        new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        said.add(line);
                    }
                } catch (IOException e) {
                    // the writer was killed
                }
            });
            reader.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> !said.isEmpty() || !writer.isAlive());
            assertThat(said).as("round %d: jobs the writer recorded within a minute", round).isNotEmpty();
            // past LedgerDatabase.CHUNKS_KEPT: H2 writes chunks into the space of dead ones by then
            Thread.sleep(LedgerDatabase.CHUNKS_KEPT.toMillis() + 1_000 + 500L * round);
            writer.destroyForcibly();
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);

            Map<String, String> phases = phases(url);
            for (String jobId : said) {
                assertThat(phases.get(jobId)).as("round %d: %s, said recorded as submitting (%d jobs said, %d in the "
                        + "file)", round, jobId, said.size(), phases.size()).isIn("SUBMITTING", "SUBMITTED",
                        "DELIVERED");
            }
        }
    }

    private static Map<String, String> phases(String url) throws Exception {
        Map<String, String> phases = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
                PreparedStatement select = connection.prepareStatement("SELECT job_id, phase FROM ledger_job");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                phases.put(rows.getString(1), rows.getString(2));
            }
        }
        return phases;
    }

    /** Takes jobs through their steps on 8 threads, and prints each job's id once it is recorded as submitting. */
    public static final class Writer {

        public static void main(String[] args) throws Exception {
            JobLedger ledger = JobLedger.open(args[0], "sa", "");
            AtomicInteger next = new AtomicInteger();
            ExecutorService threads = Executors.newFixedThreadPool(8);
            for (int t = 0; t < 8; t++) {
                threads.submit(() -> {
                    while (true) {
                        String jobId = args[1] + "-job-" + next.getAndIncrement();
                        JobState received = SampleJobs.received(jobId, Instant.now());
                        JobLedgerTest.admit(ledger, jobId, received, OWNER);
                        JobLedgerTest.countAsSubmitting(ledger, received, OWNER, "0.13");
                        synchronized (System.out) {
                            System.out.println(jobId);
                            System.out.flush();
                        }
                        JobLedgerTest.answerAndDeliver(ledger, received, OWNER);
                    }
                });
            }
            threads.awaitTermination(1, TimeUnit.HOURS);
        }
    }
}
