package dev.nanobanana.camel.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.camel.job.JobState;

/**
 * The ledger's H2 file holds every write the moment the ledger returns from it: what a kill -9 right then leaves is a
 * copy of the file as it is, and the copy has the write. Above all, a job's request leaves only after its 'submitting'
 * record is there.
 */
class LedgerFileTest {

    static final String OWNER = "instance-a";

    @TempDir
    Path work;
    JobLedger ledger;

    @BeforeEach
    void open() {
        ledger = JobLedger.open("jdbc:h2:file:" + work.resolve("state/ledger"), "sa", "");
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    @Test
    void eachWriteIsInTheFileWhenTheLedgerReturns() throws Exception {
        for (int i = 0; i < 10; i++) {
            String jobId = "job-" + i;
            JobState received = admit(jobId);
            assertThat(phasesInACopyOfTheFile(i)).as("after admitting %s", jobId).containsEntry(jobId, "RECEIVED");

            assertThat(countAsSubmitting(received).made()).isTrue();
            assertThat(phasesInACopyOfTheFile(i)).as("after counting %s, before its request leaves", jobId)
                    .containsEntry(jobId, "SUBMITTING");
        }
    }

    @Test
    void writesOfManyJobsAtOnceAreEachInTheFileWhenTheLedgerReturns() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            List<Future<Map<String, String>>> copies = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                int n = i;
                copies.add(threads.submit(() -> {
                    String jobId = "job-" + n;
                    countAsSubmitting(admit(jobId));
                    Map<String, String> copy = phasesInACopyOfTheFile(n);
                    assertThat(copy).as("a copy of the file taken once the ledger returned").containsEntry(jobId,
                            "SUBMITTING");
                    return copy;
                }));
            }
            for (Future<Map<String, String>> copy : copies) {
                assertThat(copy.get()).isNotEmpty();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** Records a 1k job as received, as the pipeline admits it. */
    private JobState admit(String jobId) {
        JobState received = SampleJobs.received(jobId, "make the shoe red", "1k", Instant.now());
        JobLedgerTest.admit(ledger, jobId, received, OWNER);
        return received;
    }

    /** Counts the job against the budget and records it as submitting: the write before its request leaves. */
    private Reservation countAsSubmitting(JobState received) {
        return JobLedgerTest.countAsSubmitting(ledger, received, OWNER, "0.0875");
    }

    /** Copies the ledger's file, as a kill -9 would leave it now, and reads each job's phase from the copy. */
    private Map<String, String> phasesInACopyOfTheFile(int copy) throws Exception {
        Path folder = Files.createDirectories(work.resolve("copy-" + copy + "-" + System.nanoTime()));
        Files.copy(work.resolve("state/ledger.mv.db"), folder.resolve("ledger.mv.db"));
        Map<String, String> phases = new HashMap<>();
        try (Connection connection = DriverManager.getConnection("jdbc:h2:file:" + folder.resolve("ledger"), "sa", "");
                PreparedStatement select = connection.prepareStatement("SELECT job_id, phase FROM ledger_job");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                phases.put(rows.getString(1), rows.getString(2));
            }
        }
        return phases;
    }
}
