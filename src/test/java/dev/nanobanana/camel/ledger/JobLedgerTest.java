package dev.nanobanana.camel.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import dev.nanobanana.camel.job.EditJob;
import dev.nanobanana.camel.job.JobDraft;
import dev.nanobanana.camel.json.Json;
import dev.nanobanana.camel.ledger.Admission.Verdict;
import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.runpod.RunpodStatus;
import dev.nanobanana.camel.runpod.RunsyncRequest;
import dev.nanobanana.camel.job.JobKey;
import dev.nanobanana.camel.job.JobPhase;
import dev.nanobanana.camel.job.JobState;

/** The ledger's stories, told once and run on each database it supports. */
class JobLedgerTest extends LedgerOnDatabase {

    // --- admission

    @Test
    void aNewJobIsRecordedAsReceivedAndHeldByTheInstanceThatTookIt() {
        JobState shoe = SampleJobs.received("shoe", clock.instant());

        Admission admission = admit(ledger, "shoe", shoe, A);

        assertThat(admission.verdict()).isEqualTo(Verdict.NEW);
        assertThat(admission.mayRun()).isTrue();
        StoredJob stored = ledger.find(key("shoe")).orElseThrow();
        assertThat(stored).isEqualTo(admission.job());
        assertThat(stored.state()).isEqualTo(shoe);
        assertThat(stored.route()).isEqualTo(SampleJobs.ROUTE);
        assertThat(stored.owner()).isEqualTo(A);
        assertThat(stored.leaseUntil()).isEqualTo(clock.instant().plus(LEASE));
        assertThat(stored.fingerprint()).isEqualTo(Fingerprint.of(shoe.request()));
    }

    @Test
    void aDeliveredJobDroppedAgainIsDoneAndSaysWhereItsImageWent() {
        JobState delivered = deliver("shoe", "0.13");
        StoredJob before = ledger.find(key("shoe")).orElseThrow();
        clock.advance(Duration.ofHours(1));

        Admission again = admit(ledger, "shoe", SampleJobs.received("shoe", clock.instant()), B);

        assertThat(again.verdict()).isEqualTo(Verdict.DONE);
        assertThat(again.mayRun()).isFalse();
        assertThat(again.job().state().keptImage()).isEqualTo(delivered.keptImage());
        assertThat(again.job().state().imageUrl()).isEqualTo(delivered.imageUrl());
        assertThat(ledger.find(key("shoe"))).contains(before);
    }

    @Test
    void aFailedJobDroppedAgainRunsAgainFromTheStart() {
        JobState received = SampleJobs.received("shoe", clock.instant());
        admit(ledger, "shoe", received, A);
        ledger.save(key("shoe"), received.submitting(clock.instant()).answered(SampleJobs.failure("rp-1")).failed(false), A);
        clock.advance(Duration.ofHours(1));
        JobState droppedAgain = SampleJobs.received("shoe", clock.instant());

        Admission again = admit(ledger, "shoe", droppedAgain, B);

        assertThat(again.verdict()).isEqualTo(Verdict.RERUN);
        assertThat(again.mayRun()).isTrue();
        StoredJob stored = ledger.find(key("shoe")).orElseThrow();
        assertThat(stored).isEqualTo(again.job());
        assertThat(stored.state()).isEqualTo(droppedAgain);
        assertThat(stored.owner()).isEqualTo(B);
        assertThat(stored.finishedAt()).isNull();
        assertThat(column("runpod_id", "shoe")).isNull();
    }

    @Test
    void aJobThatFailedWithItsOutcomeUnknownIsNeverSubmittedAgainUnderItsId() {
        JobState received = SampleJobs.received("shoe", clock.instant());
        admit(ledger, "shoe", received, A);
        ledger.save(key("shoe"), received.submitting(clock.instant()).failed(true), A);

        Admission again = admit(ledger, "shoe", received, B);

        assertThat(again.verdict()).isEqualTo(Verdict.IN_DOUBT);
        assertThat(again.mayRun()).isFalse();
        assertThat(ledger.find(key("shoe")).orElseThrow().state().inDoubt()).isTrue();
    }

    @Test
    void aFailedJobsIdDroppedWithAnotherRequestRunsTheNewRequest() {
        JobState received = SampleJobs.received("shoe", clock.instant());
        admit(ledger, "shoe", received, A);
        ledger.save(key("shoe"), received.failed(false), A);
        JobState other = SampleJobs.received("shoe", "make the shoe blue", "4k", clock.instant());

        Admission again = admit(ledger, "shoe", other, A);

        assertThat(again.verdict()).isEqualTo(Verdict.RERUN);
        StoredJob stored = ledger.find(key("shoe")).orElseThrow();
        assertThat(stored.fingerprint()).isEqualTo(Fingerprint.of(other.request())).isNotEqualTo(fingerprint(received));
        assertThat(stored.state().job().prompt()).isEqualTo("make the shoe blue");
        assertThat(column("resolution", "shoe")).isEqualTo("4k");
    }

    @Test
    void aJobThatMayHaveReachedRunpodIsNeverSubmittedAgainFromADrop() {
        JobState received = SampleJobs.received("shoe", clock.instant());
        admit(ledger, "shoe", received, A);
        JobState submitting = received.submitting(clock.instant());
        JobState submitted = SampleJobs.submitted(received, "rp-1", clock.instant());
        for (JobState inFlight : List.of(submitting, submitted, SampleJobs.kept(submitted, "0.13"))) {
            ledger.save(key("shoe"), inFlight, A);
            StoredJob before = ledger.find(key("shoe")).orElseThrow();

            for (String instance : List.of(A, B)) {
                Admission again = admit(ledger, "shoe", SampleJobs.received("shoe", clock.instant()), instance);

                assertThat(again.verdict()).as("%s, offered by %s", inFlight.phase(), instance)
                        .isEqualTo(Verdict.RUNNING);
                assertThat(again.job()).isEqualTo(before);
            }
            assertThat(ledger.find(key("shoe"))).contains(before);
        }
    }

    @Test
    void anIdThatIsDeliveredOrOnItsWayIsInUseForAnotherRequest() {
        JobState received = SampleJobs.received("shoe", clock.instant());
        admit(ledger, "shoe", received, A);
        ledger.save(key("shoe"), SampleJobs.submitted(received, "rp-1", clock.instant()), A);
        deliver("hat", "0.13");
        JobState otherShoe = SampleJobs.received("shoe", "a sandal instead", "1k", clock.instant());
        JobState otherHat = SampleJobs.received("hat", "a cap instead", "1k", clock.instant());

        Admission shoe = admit(ledger, "shoe", otherShoe, B);
        Admission hat = admit(ledger, "hat", otherHat, B);

        assertThat(shoe.verdict()).isEqualTo(Verdict.ID_IN_USE);
        assertThat(shoe.job().state().job().prompt()).isEqualTo("make the shoe red");
        assertThat(hat.verdict()).isEqualTo(Verdict.ID_IN_USE);
        assertThat(hat.job().state().phase()).isEqualTo(JobPhase.DELIVERED);
    }

    @Test
    void aJobReceivedButNeverSubmittedIsLeftToItsInstanceUntilItsLeaseRunsOut() {
        admit(ledger, "shoe", SampleJobs.received("shoe", clock.instant()), A);

        assertThat(admit(ledger, "shoe", SampleJobs.received("shoe", clock.instant()), B).verdict())
                .isEqualTo(Verdict.RUNNING);
        assertThat(admit(ledger, "shoe", SampleJobs.received("shoe", "other", "1k", clock.instant()), B).verdict())
                .isEqualTo(Verdict.ID_IN_USE);

        clock.advance(LEASE);
        Admission taken = admit(ledger, "shoe", SampleJobs.received("shoe", clock.instant()), B);

        assertThat(taken.verdict()).isEqualTo(Verdict.RERUN);
        assertThat(taken.takenFrom()).isEqualTo(A);
        assertThat(ledger.find(key("shoe")).orElseThrow().owner()).isEqualTo(B);
    }

    @Test
    void anInstanceThatReadsItsOwnUnsubmittedJobAgainInAnotherFileWaitsForIt() {
        admit(ledger, "shoe", SampleJobs.received("shoe", clock.instant()), A);

        Admission again = admit(ledger, "shoe", SampleJobs.received("shoe", clock.instant()), A);
        clock.advance(LEASE);
        Admission afterItsLease = admit(ledger, "shoe", SampleJobs.received("shoe", clock.instant()), A);

        assertThat(again.verdict()).as("the job is on its way here already").isEqualTo(Verdict.RUNNING);
        assertThat(afterItsLease.verdict()).isEqualTo(Verdict.RUNNING);
        assertThat(ledger.takeOverUnsent(key("shoe"), fingerprint(again.job().state()),
                SampleJobs.received("shoe", clock.instant()), A, LEASE)).isEmpty();
    }

    @Test
    void anInstanceStartedAgainLetsGoOfTheJobsItReceivedAndNeverSentAndRunsThemWhenItReadsThemAgain() {
        JobState shoe = SampleJobs.received("shoe", clock.instant());
        admit(ledger, "shoe", shoe, A);
        JobState hat = SampleJobs.received("hat", clock.instant());
        admit(ledger, "hat", hat, A);
        ledger.save(key("hat"), SampleJobs.submitted(hat, "rp-1", clock.instant()), A);
        admit(ledger, "belt", SampleJobs.received("belt", clock.instant()), B);
        clock.advance(Duration.ofSeconds(5));
        Instant startedAgain = clock.instant();
        admit(ledger, "sock", SampleJobs.received("sock", clock.instant()), A);

        JobLedger restarted = open();
        int released = restarted.releaseUnsent(A, startedAgain);

        assertThat(released).isEqualTo(1);
        assertThat(ledger.find(key("sock")).orElseThrow().owner()).as("received since it started again").isEqualTo(A);
        assertThat(ledger.find(key("shoe")).orElseThrow().owner()).isNull();
        assertThat(ledger.find(key("hat")).orElseThrow().owner()).as("on its way: reclaimed, not let go").isEqualTo(A);
        assertThat(ledger.find(key("belt")).orElseThrow().owner()).isEqualTo(B);
        Admission rerun = admit(restarted, "shoe", SampleJobs.received("shoe", clock.instant()), A);
        assertThat(rerun.verdict()).isEqualTo(Verdict.RERUN);
        assertThat(rerun.takenFrom()).as("let go of, not taken over").isNull();
    }

    // --- a job received, never sent, by an instance that stopped

    @Test
    void aJobReceivedAndNeverSentIsTakenOverByTheInstanceWaitingForItOnceItsInstanceStopsRenewingItsLease() {
        JobState received = SampleJobs.received("shoe", clock.instant());
        admit(ledger, "shoe", received, A);
        JobState waiting = SampleJobs.received("shoe", clock.instant());
        assertThat(admit(ledger, "shoe", waiting, B).verdict()).isEqualTo(Verdict.RUNNING);
        clock.advance(LEASE.minusSeconds(1));
        assertThat(takeOverUnsent(ledger, waiting, B)).as("its instance still holds it").isEmpty();
        ledger.renew(A, LEASE);
        clock.advance(LEASE.minusSeconds(1));
        assertThat(takeOverUnsent(ledger, waiting, B)).as("its instance renewed its lease").isEmpty();
        clock.advance(Duration.ofSeconds(1));

        Optional<StoredJob> taken = takeOverUnsent(ledger, waiting, B);

        assertThat(taken).hasValueSatisfying(before -> assertThat(before.owner()).isEqualTo(A));
        StoredJob now = ledger.find(key("shoe")).orElseThrow();
        assertThat(now.owner()).isEqualTo(B);
        assertThat(now.leaseUntil()).isEqualTo(clock.instant().plus(LEASE));
        assertThat(now.state()).isEqualTo(waiting);
        assertThat(now.route()).isEqualTo(SampleJobs.ROUTE);
        assertThat(takeOverUnsent(ledger, waiting, "instance-c")).as("B holds it now").isEmpty();
        assertThat(ledger.renew(A, LEASE)).as("A holds nothing any more").isZero();
        assertThatThrownBy(() -> ledger.reserve(key("shoe"), received.submitting(clock.instant()), A,
                new BigDecimal("0.13"), LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC), Optional.empty()))
                .as("A, were it alive after all, cannot submit it any more").isInstanceOf(ClaimLostException.class);
    }

    @Test
    void aJobThatMayHaveReachedRunpodOrEndedIsNeverTakenOverByTheInstanceWaitingForIt() {
        JobState received = SampleJobs.received("shoe", clock.instant());
        JobState submitted = SampleJobs.submitted(received, "rp-1", clock.instant());
        List<JobState> states = List.of(received.submitting(clock.instant()), submitted,
                SampleJobs.kept(submitted, "0.13"), SampleJobs.kept(submitted, "0.13").delivered(),
                submitted.failed(true), submitted.answered(SampleJobs.failure("rp-1")).failed(false));
        for (JobState state : states) {
            admit(ledger, "shoe", SampleJobs.received("shoe", clock.instant()), A);
            ledger.save(key("shoe"), state, A);
            clock.advance(LEASE.plusSeconds(1));
            StoredJob before = ledger.find(key("shoe")).orElseThrow();

            assertThat(takeOverUnsent(ledger, SampleJobs.received("shoe", clock.instant()), B))
                    .as("%s (in doubt: %s)", state.phase(), state.inDoubt()).isEmpty();
            assertThat(ledger.find(key("shoe"))).contains(before);
            // the next round admits the job anew, as a drop after a failure does
            ledger.save(key("shoe"), state.failed(false), A);
        }
    }

    @Test
    void anotherRequestUnderTheIdOfAnUnsentJobIsNotTakenOverByIt() {
        admit(ledger, "shoe", SampleJobs.received("shoe", clock.instant()), A);
        clock.advance(LEASE);

        assertThat(takeOverUnsent(ledger, SampleJobs.received("shoe", "a sandal instead", "1k", clock.instant()), B))
                .isEmpty();
        assertThat(ledger.find(key("shoe")).orElseThrow().owner()).isEqualTo(A);
    }

    @Test
    void instancesWaitingForTheSameUnsentJobTakeItOverOnce() throws Exception {
        admit(ledger, "shoe", SampleJobs.received("shoe", clock.instant()), "instance-gone");
        clock.advance(LEASE);
        int instances = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Boolean>> waiters = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            JobLedger instance = open();
            String owner = "instance-" + i;
            waiters.add(() -> {
                start.await();
                return takeOverUnsent(instance, SampleJobs.received("shoe", clock.instant()), owner).isPresent();
            });
        }

        List<Boolean> taken = runTogether(waiters, start);

        assertThat(taken).filteredOn(Boolean::booleanValue).hasSize(1);
        assertThat(ledger.find(key("shoe")).orElseThrow().owner()).isEqualTo("instance-" + taken.indexOf(true));
    }

    @Test
    void twoSourcesMayUseTheSameJobId() {
        JobState shoe = SampleJobs.received("shoe", clock.instant());

        Admission inbox = ledger.admit(new JobKey("inbox", "shoe"), fingerprint(shoe), shoe, A,
                LEASE);
        Admission s3 = ledger.admit(new JobKey("s3-inbox", "shoe"), fingerprint(shoe), shoe, A,
                LEASE);

        assertThat(List.of(inbox.verdict(), s3.verdict())).containsOnly(Verdict.NEW);
    }

    @Test
    void instancesAdmittingTheSameNewJobAtOnceLetOneOfThemRunIt() throws Exception {
        int instances = 8;
        List<JobLedger> ledgers = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            ledgers.add(i == 0 ? ledger : open());
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Verdict>> admissions = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            JobLedger instance = ledgers.get(i);
            String owner = "instance-" + i;
            admissions.add(() -> {
                start.await();
                return admit(instance, "shoe", SampleJobs.received("shoe", clock.instant()), owner).verdict();
            });
        }

        List<Verdict> verdicts = runTogether(admissions, start);

        assertThat(verdicts).filteredOn(verdict -> verdict == Verdict.NEW).hasSize(1);
        assertThat(verdicts).filteredOn(verdict -> verdict != Verdict.NEW).containsOnly(Verdict.RUNNING);
    }

    // --- state

    @Test
    void aJobStateWithEveryFieldSetReadsBackAsItWasSaved() {
        ObjectNode fields = new ObjectMapper().createObjectNode().put("prompt", "make the shoe red").put("seed", 7);
        fields.putObject("extra").put("aspect_ratio", "3:2").putNull("nothing");
        EditJob job = SampleJobs.job("shoe", "make the shoe red", "2k");
        RunpodResult result = new RunpodResult("rp-42", RunpodStatus.COMPLETED, 1200L, 5400L,
                new ObjectMapper().createObjectNode().put("image_url", "https://cdn.runpod.test/rp-42.png")
                        .put("cost", 0.13).put("big", 12345678901234L),
                new ObjectMapper().createObjectNode().put("note", "a warning kept with the result"));
        JobState everything = new JobState(
                new JobDraft("shoe", "inbox/shoes.json", fields, "a problem noted while reading"),
                JobPhase.RESULT_RECEIVED,
                job,
                job.request().withImages(List.of("https://signed.test/shoe.png?sig=1", "data:image/png;base64,AAAA")),
                result,
                "https://cdn.runpod.test/rp-42.png",
                Path.of("out/spool/shoe.png"),
                true,
                Instant.parse("2026-03-14T08:59:59.123456789Z"),
                Instant.parse("2026-03-14T09:00:00.987654321Z"),
                true,
                true,
                SampleJobs.ROUTE,
                true,
                null);
        // the request as it was admitted (written once), then every field of its progress
        admit(ledger, "shoe", JobState.received(everything.draft(), SampleJobs.ROUTE, clock.instant())
                .withJob(everything.job(), everything.request()), A);

        ledger.save(key("shoe"), everything, A);

        assertThat(ledger.find(key("shoe")).orElseThrow().state()).isEqualTo(everything);
        assertThat(open().find(key("shoe")).orElseThrow().state()).isEqualTo(everything);
    }

    @Test
    void aJobsRequestIsWrittenOnceWhenItIsAdmittedAndNotRewrittenByItsSteps() {
        JobState received = SampleJobs.received("shoe", clock.instant());
        admit(ledger, "shoe", received, A);
        EditJob other = SampleJobs.job("shoe", "a request no step makes", "4k");

        ledger.save(key("shoe"), received.withJob(other, other.request()).submitting(clock.instant()), A);

        JobState stored = ledger.find(key("shoe")).orElseThrow().state();
        assertThat(stored.phase()).isEqualTo(JobPhase.SUBMITTING);
        assertThat(stored.request()).isEqualTo(received.request());
        assertThat(stored.job()).isEqualTo(received.job());
    }

    // --- a ledger of an earlier version

    @Test
    void aLedgerWrittenBeforeRequestsWereKeptApartIsReadCarriedOnAndPruned() throws Exception {
        String earlier = newDatabaseUrl();
        Flyway.configure().dataSource(earlier, user(), "").locations("classpath:db/ledger")
                .table("ledger_schema_history").target("2").load().migrate();
        JobState received = SampleJobs.received("shoe", clock.instant());
        JobState delivered = SampleJobs.kept(SampleJobs.submitted(received, "rp-shoe", clock.instant()), "0.13")
                .delivered();
        JobState submitted = SampleJobs.submitted(SampleJobs.received("hat", clock.instant()), "rp-hat",
                clock.instant());
        try (JobLedger writer = open(earlier);
                Connection c = writer.dataSource().getConnection()) {
            insertAsBefore(c, delivered, clock.instant());
            insertAsBefore(c, submitted, null);
        }

        JobLedger upgraded = open(earlier);

        assertThat(upgraded.find(key("shoe")).orElseThrow().state()).isEqualTo(delivered);
        assertThat(upgraded.find(key("hat")).orElseThrow().state()).isEqualTo(submitted);
        JobState kept = SampleJobs.kept(submitted, "0.13");
        upgraded.save(key("hat"), kept, A);
        assertThat(upgraded.find(key("hat")).orElseThrow().state()).isEqualTo(kept);
        assertThat(admit(upgraded, "shoe", received, B).verdict()).isEqualTo(Verdict.DONE);
        clock.advance(Duration.ofDays(31));
        assertThat(upgraded.prune(Instant.EPOCH, clock.instant().minus(Duration.ofDays(30)), 100)).isEqualTo(1);
        StoredJob pruned = upgraded.find(key("shoe")).orElseThrow();
        assertThat(pruned.state().request()).isNull();
        assertThat(pruned.state().result()).isEqualTo(delivered.result());
        assertThat(admit(upgraded, "shoe", received, B).verdict()).isEqualTo(Verdict.DONE);
    }

    /** A row as the ledger wrote it before version 3: the whole state as JSON in one column. */
    private static void insertAsBefore(Connection c, JobState state, Instant finishedAt) throws Exception {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO ledger_job (source, job_id, phase, "
                + "fingerprint, runpod_id, source_file, owner, lease_until, received_at, submitted_at, updated_at, "
                + "finished_at, route, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, state.key().source());
            insert.setString(2, state.jobId());
            insert.setString(3, state.phase().name());
            insert.setString(4, fingerprint(state));
            insert.setString(5, state.result().id());
            insert.setString(6, state.draft().sourceFile());
            insert.setString(7, A);
            insert.setObject(8, utc(state.receivedAt().plus(LEASE)));
            insert.setObject(9, utc(state.receivedAt()));
            insert.setObject(10, utc(state.submittedAt()));
            insert.setObject(11, utc(state.receivedAt()));
            if (finishedAt == null) {
                insert.setNull(12, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                insert.setObject(12, utc(finishedAt));
            }
            insert.setString(13, Json.MAPPER.writeValueAsString(state.route()));
            insert.setString(14, Json.MAPPER.writeValueAsString(state));
            insert.executeUpdate();
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    // --- retention

    @Test
    void aFinishedJobOlderThanKeepForKeepsItsKeyFingerprintAndOutcomeAndIsStillNotRunAgain() {
        JobState delivered = deliver("shoe", "0.13");
        StoredJob before = ledger.find(key("shoe")).orElseThrow();
        clock.advance(Duration.ofDays(31));

        int pruned = ledger.prune(Instant.EPOCH, clock.instant().minus(Duration.ofDays(30)), 100);

        assertThat(pruned).isEqualTo(1);
        StoredJob after = ledger.find(key("shoe")).orElseThrow();
        assertThat(after.fingerprint()).isEqualTo(before.fingerprint());
        assertThat(after.phase()).isEqualTo(JobPhase.DELIVERED);
        assertThat(after.finishedAt()).isEqualTo(before.finishedAt());
        assertThat(after.state().result()).isEqualTo(delivered.result());
        assertThat(after.state().submittedAt()).isEqualTo(delivered.submittedAt());
        assertThat(after.state().draft().sourceFile()).isEqualTo(delivered.draft().sourceFile());
        assertThat(after.state().request()).isNull();
        assertThat(after.state().job().prompt()).isNull();
        assertThat(after.state().job().images()).isEmpty();
        assertThat(new BigDecimal(column("cost_usd", "shoe"))).isEqualByComparingTo("0.13");
        Admission again = admit(ledger, "shoe", SampleJobs.received("shoe", clock.instant()), B);
        assertThat(again.verdict()).isEqualTo(Verdict.DONE);
        assertThat(again.mayRun()).isFalse();
    }

    @Test
    void aFinishedJobYoungerThanKeepForAndAnUnfinishedJobKeepTheirRequest() {
        JobState delivered = deliver("shoe", "0.13");
        JobState received = SampleJobs.received("hat", clock.instant());
        admit(ledger, "hat", received, A);
        clock.advance(Duration.ofDays(29));

        int pruned = ledger.prune(Instant.EPOCH, clock.instant().minus(Duration.ofDays(30)), 100);

        assertThat(pruned).isZero();
        assertThat(ledger.find(key("shoe")).orElseThrow().state().request()).isEqualTo(delivered.request());
        assertThat(ledger.find(key("hat")).orElseThrow().state()).isEqualTo(received);
    }

    @Test
    void aJobThatCouldNotBeReadIsKeptWithItsProblem() {
        JobState unreadable = JobState.received(JobDraft.unreadable("bad", "bad.json", "not valid JSON at line 3"),
                SampleJobs.ROUTE, clock.instant()).failed(false);

        ledger.admit(key("bad"), Fingerprint.of(new ObjectMapper().createObjectNode().put("problem", "bad")),
                unreadable, A, LEASE);

        assertThat(ledger.find(key("bad")).orElseThrow().state()).isEqualTo(unreadable);
        assertThat(column("resolution", "bad")).isNull();
        assertThat(column("phase", "bad")).isEqualTo("FAILED");
    }

    @Test
    void theColumnsBesideTheStateSayWhatAnOperatorQueries() {
        JobState received = SampleJobs.received("shoe", clock.instant());
        admit(ledger, "shoe", received, A);
        JobState submitted = SampleJobs.submitted(received, "rp-7", clock.instant());
        ledger.save(key("shoe"), submitted, A);
        clock.advance(Duration.ofSeconds(30));

        ledger.save(key("shoe"), SampleJobs.kept(submitted, "0.13").delivered(), A);

        assertThat(column("phase", "shoe")).isEqualTo("DELIVERED");
        assertThat(column("runpod_id", "shoe")).isEqualTo("rp-7");
        assertThat(column("source_file", "shoe")).isEqualTo("shoes.json");
        assertThat(column("resolution", "shoe")).isEqualTo("2k");
        assertThat(new BigDecimal(column("cost_usd", "shoe"))).isEqualByComparingTo("0.13");
        assertThat(column("owner", "shoe")).isEqualTo(A);
        assertThat(ledger.find(key("shoe")).orElseThrow().finishedAt()).isEqualTo(clock.instant());
        assertThat(ledger.find(key("shoe")).orElseThrow().updatedAt()).isEqualTo(clock.instant());
    }

    @Test
    void aLedgerOpenedAgainOnItsDatabaseStillKnowsItsJobs() {
        JobState shoe = SampleJobs.received("shoe", clock.instant());
        admit(ledger, "shoe", shoe, A);
        ledger.close();

        JobLedger restarted = open();

        assertThat(restarted.find(key("shoe")).orElseThrow().state()).isEqualTo(shoe);
        assertThat(restarted.find(key("hat"))).isEmpty();
    }

    @Test
    void aSaveByAnInstanceThatNoLongerHoldsTheJobIsRefused() {
        JobState received = SampleJobs.received("shoe", clock.instant());
        admit(ledger, "shoe", received, A);
        JobState submitted = SampleJobs.submitted(received, "rp-1", clock.instant());
        ledger.save(key("shoe"), submitted, A);
        clock.advance(LEASE.plusSeconds(1));
        assertThat(ledger.claimAbandoned(B, LEASE, 10)).extracting(StoredJob::key).containsExactly(key("shoe"));

        assertThatThrownBy(() -> ledger.save(key("shoe"), SampleJobs.kept(submitted, "0.13"), A))
                .isInstanceOfSatisfying(ClaimLostException.class, lost -> {
                    assertThat(lost.holder()).contains(B);
                    assertThat(lost.key()).isEqualTo(key("shoe"));
                })
                .hasMessage("job inbox/shoe is held by instance-b, not by instance-a");
        assertThat(ledger.find(key("shoe")).orElseThrow().state()).isEqualTo(submitted);
        assertThatThrownBy(() -> ledger.save(key("hat"), received, A))
                .isInstanceOf(ClaimLostException.class)
                .hasMessage("job inbox/hat is not in the ledger");
    }

    // --- leases and claims

    @Test
    void renewingKeepsAnInstancesUnfinishedJobsItsOwn() {
        JobState shoe = SampleJobs.received("shoe", clock.instant());
        admit(ledger, "shoe", shoe, A);
        ledger.save(key("shoe"), SampleJobs.submitted(shoe, "rp-1", clock.instant()), A);
        admit(ledger, "hat", SampleJobs.received("hat", clock.instant()), A);
        deliver("sock", "0.13");
        admit(ledger, "belt", SampleJobs.received("belt", clock.instant()), B);
        clock.advance(Duration.ofSeconds(50));

        int renewed = ledger.renew(A, LEASE);

        assertThat(renewed).isEqualTo(2);
        assertThat(ledger.find(key("shoe")).orElseThrow().leaseUntil()).isEqualTo(clock.instant().plus(LEASE));
        assertThat(ledger.find(key("belt")).orElseThrow().leaseUntil())
                .isEqualTo(clock.instant().minusSeconds(50).plus(LEASE));
        clock.advance(Duration.ofSeconds(30));
        assertThat(ledger.claimAbandoned(B, LEASE, 10)).isEmpty();
        clock.advance(Duration.ofSeconds(31));
        assertThat(ledger.claimAbandoned(B, LEASE, 10)).extracting(StoredJob::key).containsExactly(key("shoe"));
    }

    @Test
    void anInstanceStartedAgainTakesBackItsOwnJobsAtOnce() {
        JobState shoe = SampleJobs.received("shoe", clock.instant());
        admit(ledger, "shoe", shoe, A);
        JobState submitted = SampleJobs.submitted(shoe, "rp-1", clock.instant());
        ledger.save(key("shoe"), submitted, A);
        admit(ledger, "hat", SampleJobs.received("hat", clock.instant()), A);
        deliver("sock", "0.13");
        clock.advance(Duration.ofSeconds(10));

        JobLedger restarted = open();
        List<StoredJob> reclaimed = restarted.reclaimOwn(A, LEASE);

        assertThat(reclaimed).singleElement().satisfies(job -> {
            assertThat(job.key()).isEqualTo(key("shoe"));
            assertThat(job.state()).isEqualTo(submitted);
            assertThat(job.route()).isEqualTo(SampleJobs.ROUTE);
            assertThat(job.owner()).isEqualTo(A);
            assertThat(job.leaseUntil()).isEqualTo(clock.instant().plus(LEASE));
        });
        assertThat(ledger.find(key("shoe"))).contains(reclaimed.get(0));
    }

    @Test
    void anInstanceLookingForAbandonedJobsIsNotHandedTheJobsItWorksOn() {
        JobState shoe = SampleJobs.received("shoe", clock.instant());
        admit(ledger, "shoe", shoe, A);
        ledger.save(key("shoe"), SampleJobs.submitted(shoe, "rp-1", clock.instant()), A);

        assertThat(ledger.claimAbandoned(A, LEASE, 10)).isEmpty();
        assertThat(ledger.claimAbandoned(B, LEASE, 10)).isEmpty();

        clock.advance(LEASE);
        assertThat(ledger.claimAbandoned(A, LEASE, 10)).extracting(StoredJob::key).containsExactly(key("shoe"));
    }

    @Test
    void twoInstancesClaimingTogetherTakeEveryAbandonedJobExactlyOnce() throws Exception {
        int jobs = 100;
        for (int i = 0; i < jobs; i++) {
            String id = "job-" + i;
            JobState received = SampleJobs.received(id, clock.instant());
            admit(ledger, id, received, "instance-gone");
            JobState state = switch (i % 3) {
                case 0 -> received.submitting(clock.instant());
                case 1 -> SampleJobs.submitted(received, "rp-" + i, clock.instant());
                default -> SampleJobs.kept(SampleJobs.submitted(received, "rp-" + i, clock.instant()), "0.13");
            };
            ledger.save(key(id), state, "instance-gone");
        }
        clock.advance(LEASE.plusSeconds(1));
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<List<JobKey>>> claimers = new ArrayList<>();
        for (String owner : List.of(A, B)) {
            JobLedger instance = open();
            for (int thread = 0; thread < 2; thread++) {
                claimers.add(() -> {
                    start.await();
                    List<JobKey> taken = new ArrayList<>();
                    List<StoredJob> batch;
                    do {
                        batch = instance.claimAbandoned(owner, LEASE, 7);
                        batch.forEach(job -> assertThat(job.owner()).isEqualTo(owner));
                        batch.forEach(job -> taken.add(job.key()));
                    } while (!batch.isEmpty());
                    return taken;
                });
            }
        }

        List<List<JobKey>> claimed = runTogether(claimers, start);

        List<JobKey> all = claimed.stream().flatMap(List::stream).toList();
        assertThat(all).doesNotHaveDuplicates().hasSize(jobs);
        Set<JobKey> byA = new HashSet<>(claimed.get(0));
        byA.addAll(claimed.get(1));
        for (JobKey taken : all) {
            assertThat(ledger.find(taken).orElseThrow().owner()).isEqualTo(byA.contains(taken) ? A : B);
        }
    }

    // --- paid images

    @Test
    void paidImagesThatWereNeverFetchedAreReopenedForTheInstanceThatAsksAndNothingElseIs() {
        JobState shoe = failedAfter("shoe", RunpodStatus.COMPLETED, false);
        failedAfter("hat", RunpodStatus.FAILED, false);
        failedAfter("sock", RunpodStatus.COMPLETED, true);
        deliver("belt", "0.13");
        clock.advance(Duration.ofDays(8));
        failedAfter("cap", RunpodStatus.COMPLETED, false);

        List<StoredJob> reopened = ledger.reopenPaidImages(B, LEASE, clock.instant().minus(Duration.ofDays(7)));

        assertThat(reopened).extracting(StoredJob::key).containsExactly(key("cap"));
        StoredJob cap = ledger.find(key("cap")).orElseThrow();
        assertThat(cap.phase()).isEqualTo(JobPhase.RESULT_RECEIVED);
        assertThat(cap.owner()).isEqualTo(B);
        assertThat(cap.state().result().imageRef()).contains("https://cdn.runpod.test/rp-cap.png");
        assertThat(ledger.find(key("shoe")).orElseThrow().state()).isEqualTo(shoe);
        assertThat(ledger.reopenPaidImages(B, LEASE, clock.instant().minus(Duration.ofDays(7)))).isEmpty();
    }

    /** A job that ended as failed after RunPod answered {@code status}, its image never downloaded. */
    private JobState failedAfter(String jobId, RunpodStatus status, boolean inDoubt) {
        JobState received = SampleJobs.received(jobId, clock.instant());
        admit(ledger, jobId, received, A);
        JobState submitted = SampleJobs.submitted(received, "rp-" + jobId, clock.instant());
        ledger.save(key(jobId), submitted, A);
        JobState failed = submitted.answered(status == RunpodStatus.COMPLETED
                ? SampleJobs.answer("rp-" + jobId, status, "0.0875") : SampleJobs.failure("rp-" + jobId))
                .failed(inDoubt);
        ledger.save(key(jobId), failed, A);
        return failed;
    }

    // --- what the status page and the contact sheet read

    @Test
    void theStatusPageCountsTheJobsOnTheirWayAndThoseFinishedSinceItStartedAndTheirMinutes() {
        deliver("yesterday", "0.13");
        fail("old-failure");
        Instant pageStarted = clock.instant().plusSeconds(30);
        clock.advance(Duration.ofMinutes(1));
        deliver("shoe", "0.13");
        clock.advance(Duration.ofSeconds(1));
        deliver("mug", "0.0875");
        fail("refused");
        clock.advance(Duration.ofMinutes(2));
        deliver("hat", "0.175");
        inFlight("on-its-way", "2k", true);
        admit(ledger, "waiting", SampleJobs.received("waiting", clock.instant()), A);

        assertThat(ledger.countPerPhase(pageStarted)).containsExactlyInAnyOrderEntriesOf(Map.of(
                JobPhase.DELIVERED, 3L, JobPhase.FAILED, 1L, JobPhase.SUBMITTED, 1L, JobPhase.RECEIVED, 1L));
        assertThat(ledger.newestFinished(JobPhase.DELIVERED, 2)).extracting(job -> job.key().jobId())
                .containsExactly("hat", "mug");
        assertThat(ledger.newestFinished(JobPhase.FAILED, 5)).extracting(job -> job.key().jobId())
                .containsExactly("refused", "old-failure");
        Instant minute = Instant.parse("2026-03-14T09:01:00Z");
        assertThat(ledger.finishedPerMinute(pageStarted)).containsExactlyInAnyOrder(
                new FinishedMinute(minute, JobPhase.DELIVERED, 2),
                new FinishedMinute(minute, JobPhase.FAILED, 1),
                new FinishedMinute(minute.plusSeconds(120), JobPhase.DELIVERED, 1));
        List<String> finished = new ArrayList<>();
        ledger.forEachFinished(pageStarted, clock.instant(), job -> finished.add(job.key().jobId()));
        assertThat(finished).as("jobs ended from the start until before now, in the order they ended")
                .containsExactlyInAnyOrder("shoe", "mug", "refused");
    }

    // --- helpers

    private void inFlight(String jobId, String resolution, boolean answered) {
        JobState received = SampleJobs.received(jobId, "p", resolution, clock.instant());
        admit(ledger, jobId, received, A);
        ledger.save(key(jobId), answered ? SampleJobs.submitted(received, "rp-" + jobId, clock.instant())
                : received.submitting(clock.instant()), A);
    }

    private void fail(String jobId) {
        JobState received = SampleJobs.received(jobId, clock.instant());
        admit(ledger, jobId, received, A);
        ledger.save(key(jobId), SampleJobs.submitted(received, "rp-" + jobId, clock.instant())
                .answered(SampleJobs.failure("rp-" + jobId)).failed(false), A);
    }

    static JobKey key(String jobId) {
        return new JobKey("inbox", jobId);
    }

    static String fingerprint(JobState state) {
        return Fingerprint.of(state.request());
    }

    static Optional<StoredJob> takeOverUnsent(JobLedger ledger, JobState state, String owner) {
        return ledger.takeOverUnsent(key(state.jobId()), fingerprint(state), state, owner, LEASE);
    }

    static Admission admit(JobLedger ledger, String jobId, JobState state, String owner) {
        return ledger.admit(key(jobId), fingerprint(state), state, owner, LEASE);
    }

    /** Counts a received job against the budget (no cap) and records it as submitting: the write before it leaves. */
    static Reservation countAsSubmitting(JobLedger ledger, JobState received, String owner, String price) {
        return ledger.reserve(key(received.jobId()), received.submitting(Instant.now()), owner, new BigDecimal(price),
                LocalDate.now(), Optional.empty());
    }

    /** Records RunPod's answer to a submitted job, then its delivery, as the pipeline does: one commit each. */
    static void answerAndDeliver(JobLedger ledger, JobState received, String owner) {
        String jobId = received.jobId();
        JobState submitted = SampleJobs.submitted(received, "rp-" + jobId, Instant.now());
        ledger.save(key(jobId), submitted, owner);
        ledger.save(key(jobId), SampleJobs.kept(submitted, "0.13").delivered(), owner);
    }

    /** Takes a job from its drop to its delivery, charged {@code cost} (or nothing said). */
    private JobState deliver(String jobId, String cost) {
        JobState received = SampleJobs.received(jobId, clock.instant());
        admit(ledger, jobId, received, A);
        JobState submitted = SampleJobs.submitted(received, "rp-" + jobId, clock.instant());
        ledger.save(key(jobId), submitted, A);
        JobState delivered = (cost == null
                ? submitted.answered(SampleJobs.answer("rp-" + jobId, RunpodStatus.COMPLETED, null))
                        .kept(Path.of("out/spool/" + jobId + ".png"))
                : SampleJobs.kept(submitted, cost)).delivered();
        ledger.save(key(jobId), delivered, A);
        return delivered;
    }

    private String column(String column, String jobId) {
        try (Connection connection = ledger.dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT " + column + " FROM ledger_job WHERE source = 'inbox' AND job_id = ?")) {
            select.setString(1, jobId);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).as("job %s is in the ledger", jobId).isTrue();
                return row.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> List<T> runTogether(List<Callable<T>> tasks, CountDownLatch start) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(threads.submit(task));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(30, TimeUnit.SECONDS));
            }
            return Collections.unmodifiableList(results);
        } finally {
            threads.shutdownNow();
        }
    }
}
