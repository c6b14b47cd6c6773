package dev.nanobanana.camel.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.camel.job.JobState;

/**
 * The ledger's H2 file is forced to disk every second, until the ledger closes, and the pages still live in old chunks
 * move on, so that the file grows with the jobs' rows rather than with every commit. (The size of the file in a running
 * batch, which also depends on how fast the machine writes, is measured in bench/.)
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
    void pagesStillLiveInOldChunksMoveOnSoTheFileGrowsWithTheRowsNotTheCommits() throws Exception {
        // RETENTION_TIME=0: a dead chunk's space may be reused at once, so the file's size does not depend on how fast
        // this machine writes; and the upkeep runs after every 300 jobs, whatever the time
        String url = "jdbc:h2:file:" + work.resolve("state/ledger") + ";RETENTION_TIME=0";
        int jobs = 2_400;
        try (JobLedger ledger = JobLedger.open(url, "sa", "");
                LedgerFileUpkeep upkeep = new LedgerFileUpkeep(ledger.dataSource())) {
            for (int i = 0; i < jobs; i++) {
                runThrough(ledger, "job-" + i);
                if (i % 300 == 299) {
                    upkeep.keep();
                    upkeep.keep();
                }
            }
            long size = Files.size(work.resolve("state/ledger.mv.db"));

            // measured: about 4 kB a job; without moving the pages on, 17 kB (41 MB), growing by 5 MB every 300 jobs
            assertThat(size / jobs).as("bytes a job in the file after %d jobs, four commits each", jobs)
                    .isLessThan(8 * 1024);
        }
    }

    /** Takes a job from its drop to its delivery, one commit a step, as the pipeline does. */
    private static void runThrough(JobLedger ledger, String jobId) {
        JobState received = SampleJobs.received(jobId, Instant.now());
        JobLedgerTest.admit(ledger, jobId, received, OWNER);
        JobLedgerTest.countAsSubmitting(ledger, received, OWNER, "0.13");
        JobLedgerTest.answerAndDeliver(ledger, received, OWNER);
    }
}
