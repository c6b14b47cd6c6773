package dev.nanobanana.camel.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.camel.job.JobState;

/**
 * The ledger's H2 file is forced to disk every second; H2 reuses the space of chunks it no longer needs a few seconds
 * after writing them, not 45; and the pages still live in old chunks are moved on, so that their space is reused too.
 * Without these the file grew with every commit.
 */
class LedgerFileUpkeepTest {

    static final String OWNER = "instance-a";

    @TempDir
    Path work;

    @Test
    void theFileIsForcedToDiskEverySecondUntilTheLedgerCloses() throws Exception {
        List<Instant> forced = new CopyOnWriteArrayList<>();
        try (RecordingStream events = new RecordingStream()) {
            events.enable("jdk.FileForce").withThreshold(Duration.ZERO);
            events.onEvent("jdk.FileForce", event -> {
                if (event.getString("path").endsWith("ledger.mv.db")) {
                    forced.add(event.getStartTime());
                }
            });
            events.startAsync();

            JobLedger ledger = JobLedger.open("jdbc:h2:file:" + work.resolve("state/ledger"), "sa", "");
            JobLedgerTest.admit(ledger, "job-1", SampleJobs.received("job-1", Instant.now()), OWNER);
            await().atMost(Duration.ofSeconds(20)).until(() -> forced.size() >= 3);
            assertThat(Duration.between(forced.get(1), forced.get(2))).as("between two forces of the file")
                    .isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));

            ledger.close();
            // H2 compacts and forces the file as it closes; JFR hands events over about a second late
            Thread.sleep(2_000);
            int afterClose = forced.size();
            Thread.sleep(3_000);
            assertThat(forced).as("forces once the ledger closed").hasSize(afterClose);
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                    .doesNotContain("nanobanana-ledger-file");
        }
    }

    @Test
    void aBusyLedgersFileStopsGrowingOnceItsFirstChunksMayBeReused() throws Exception {
        try (JobLedger ledger = JobLedger.open("jdbc:h2:file:" + work.resolve("state/ledger"), "sa", "")) {
            Path file = work.resolve("state/ledger.mv.db");
            List<JobState> jobs = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 50; i++) {
                JobState received = SampleJobs.received("job-" + i, Instant.now());
                JobLedgerTest.admit(ledger, "job-" + i, received, OWNER);
                jobs.add(received);
            }
            saveForAWhile(ledger, jobs, Duration.ofSeconds(1));
            long start = Files.size(file);
            saveForAWhile(ledger, jobs, Duration.ofSeconds(5));
            long firstHalf = Files.size(file);
            saveForAWhile(ledger, jobs, Duration.ofSeconds(5));
            long secondHalf = Files.size(file);

            // with H2's default, 45 s, each half would add as much as the one before
            assertThat(secondHalf - start).as("the file's growth over 10 s of saves (%d bytes at the start, %d after 5 s,"
                    + " %d after 10 s)", start, firstHalf, secondHalf).isLessThan((firstHalf - start) * 3 / 2);
        }
    }

    @Test
    void aSecondBatchReusesTheSpaceOfTheFirstOnceTheirPagesAreMoved() throws Exception {
        try (JobLedger ledger = JobLedger.open("jdbc:h2:file:" + work.resolve("state/ledger"), "sa", "")) {
            Path file = work.resolve("state/ledger.mv.db");
            runThrough(ledger, 0, 2_000);
            Thread.sleep(6_000);
            long afterTheFirst = Files.size(file);
            runThrough(ledger, 2_000, 4_000);
            Thread.sleep(6_000);
            long afterTheSecond = Files.size(file);

            // without moving the pages still live in old chunks, each batch would add as much as the one before
            assertThat(afterTheSecond).as("the file after a second batch of 2,000 jobs (%d bytes after the first)",
                    afterTheFirst).isLessThan(afterTheFirst * 3 / 2);
        }
    }

    /** Takes jobs {@code from} to {@code to} (not included) from their drop to their delivery, 8 at a time. */
    private static void runThrough(JobLedger ledger, int from, int to) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = from; i < to; i++) {
                String jobId = "job-" + i;
                done.add(threads.submit(() -> runThrough(ledger, jobId)));
            }
            for (Future<?> job : done) {
                job.get();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** Takes a job from its drop to its delivery, one commit a step, as the pipeline does. */
    private static void runThrough(JobLedger ledger, String jobId) {
        JobState received = SampleJobs.received(jobId, Instant.now());
        JobLedgerTest.admit(ledger, jobId, received, OWNER);
        JobLedgerTest.countAsSubmitting(ledger, received, OWNER, "0.13");
        JobLedgerTest.answerAndDeliver(ledger, received, OWNER);
    }

    /** Saves each job's state in turn, one commit each, up to a thousand a second. */
    private static void saveForAWhile(JobLedger ledger, List<JobState> jobs, Duration duration)
            throws InterruptedException {
        Instant end = Instant.now().plus(duration);
        int n = 0;
        while (Instant.now().isBefore(end)) {
            JobState job = jobs.get(n++ % jobs.size());
            ledger.save(JobLedgerTest.key(job.jobId()), job.submitting(Instant.now()), OWNER);
            Thread.sleep(1);
        }
    }
}
