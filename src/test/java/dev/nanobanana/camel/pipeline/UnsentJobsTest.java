package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

import ch.qos.logback.classic.Level;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.nanobanana.emulator.Fault;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.camel.testing.PipelineTestSupport;
import dev.nanobanana.camel.testing.LogCapture;

/**
 * A job admitted and never sent cost nothing: whatever holds it back (a slot, the budget) and whatever happens to its
 * instance, it is sent once, and every file that waits for it ends as it does.
 */
class UnsentJobsTest extends PipelineTestSupport {

    /** Long enough that the next instance finds the job still leased, and waits for it. */
    static final Duration LEASE = Duration.ofSeconds(8);

    @RegisterExtension
    final LogCapture logs = new LogCapture(Level.INFO);

    @Test
    void aJobLeftUnsentByAnInstanceThatStoppedRenewingItsLeaseRunsOnceOnTheInstanceWhoseFileWaitsForIt()
            throws Exception {
        CamelContext gone = holdingShoeUnsent("instance-gone");
        // its lease on the job is renewed no more, and nothing let go of it: what a crash leaves in the ledger (a
        // stop lets go of it: below)
        gone.stop();
        holdAsACrashLeavesIt("shoe", "instance-gone", Instant.now().plus(LEASE));
        assertThat(emulator.requests(Operation.RUNSYNC)).isEmpty();

        startInstance(instance("instance-next", ""));

        processed(".done", "shoe.json");
        awaitFile(completed.resolve("shoe.png"));
        assertThat(emulator.requests(Operation.RUNSYNC)).as("sent once").hasSize(1);
        assertThat(logs.lines()).anyMatch(line -> line.contains("Job inbox/shoe is on its way already"));
        assertThat(logs.lines(Level.WARN)).anyMatch(line -> line.contains("Job inbox/shoe was received by "
                + "instance-gone, which stopped renewing its lease before sending it: sent from here, once"));
    }

    @Test
    void aJobLeftUnsentByAnInstanceWhoseLeaseRanOutBeforeItsFileWasReadAgainRunsOnceAndIsSaidToBeTakenOver()
            throws Exception {
        CamelContext gone = holdingShoeUnsent("instance-gone");
        gone.stop();
        // the next instance starts later than the crashed one's lease lasts: it finds the job nobody's
        holdAsACrashLeavesIt("shoe", "instance-gone", Instant.now().minusSeconds(1));

        startInstance(instance("instance-next", ""));

        processed(".done", "shoe.json");
        awaitFile(completed.resolve("shoe.png"));
        assertThat(emulator.requests(Operation.RUNSYNC)).as("sent once").hasSize(1);
        assertThat(logs.lines()).as("nothing to wait for").noneMatch(line -> line.contains("is on its way already"));
        assertThat(logs.lines(Level.WARN)).anyMatch(line -> line.contains("Job inbox/shoe was received by "
                + "instance-gone, which stopped renewing its lease before sending it: sent from here, once"));
    }

    @Test
    void anInstanceStoppedLetsGoOfTheJobsItDidNotSendSoTheNextSendsThemWithoutWaitingForItsLease() throws Exception {
        CamelContext stopped = holdingShoeUnsent("instance-stopped");
        // SIGTERM, a redeploy
        stopped.stop();
        assertThat(logs.lines()).anyMatch(line -> line.contains("Let go of 1 job(s) this instance received and did "
                + "not submit"));

        startInstance(instance("instance-next", ""));

        processed(".done", "shoe.json");
        awaitFile(completed.resolve("shoe.png"));
        assertThat(emulator.requests(Operation.RUNSYNC)).as("sent once").hasSize(1);
        assertThat(logs.lines()).as("the next instance waits for no lease").noneMatch(line -> line.contains(
                "is on its way already"));
    }

    @Test
    void theSameJobInTwoFilesWaitingForASlotIsSentOnceAndBothFilesEndAsItDoes() throws Exception {
        for (int i = 0; i < 4; i++) {
            emulator.inject(Operation.RUNSYNC, Fault.jobRunsFor(Duration.ofSeconds(3)));
        }
        drop("busy.yaml", BudgetTest.batchOf("busy", "1k", "1k", "1k", "1k"));
        await().atMost(WAIT).until(() -> emulator.requests(Operation.RUNSYNC).size() == 4);
        // every slot is taken: both files' twin is admitted and waits for one
        String twin = PipelineTest.job("\"id\": \"twin\"");
        drop("first.json", twin);
        drop("second.json", twin);

        processed(".done", "first.json");
        processed(".done", "second.json");
        processed(".done", "busy.yaml");
        assertThat(emulator.requests(Operation.RUNSYNC)).as("the 4 busy jobs and the twin once").hasSize(5);
    }

    /**
     * The test's own instance stopped, another one, {@code id}, that admitted job "shoe" and holds it back unsent: a cap
     * below the price of one job.
     */
    private CamelContext holdingShoeUnsent(String id) throws Exception {
        context.stop();
        CamelContext holding = startInstance(instance(id, "0.05"));
        drop("shoe.json", PipelineTest.job("\"id\": \"shoe\""));
        await().atMost(WAIT).until(() -> BudgetTest.budget(holding).waitingJobs() == 1);
        return holding;
    }

    /** Puts the job back in {@code owner}'s hands, its lease running until {@code leaseUntil}, as kill -9 leaves it. */
    private void holdAsACrashLeavesIt(String jobId, String owner, Instant leaseUntil) throws SQLException {
        try (Connection ledger = DriverManager.getConnection("jdbc:h2:file:" + work.resolve("state/ledger"), "sa", "");
                PreparedStatement hold = ledger.prepareStatement("UPDATE ledger_job SET owner = ?, lease_until = ? "
                                                                 + "WHERE job_id = ?")) {
            hold.setString(1, owner);
            hold.setTimestamp(2, Timestamp.from(leaseUntil));
            hold.setString(3, jobId);
            assertThat(hold.executeUpdate()).as("the job's row").isEqualTo(1);
        }
    }

    private Properties instance(String id, String maxUsd) {
        Properties settings = settings();
        settings.setProperty("nanobanana.instance-id", id);
        settings.setProperty("nanobanana.budget.max-usd", maxUsd);
        settings.setProperty("nanobanana.ledger.lease", LEASE.toSeconds() + "s");
        return settings;
    }
}
