package dev.nanobanana.camel.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.assertj.core.groups.Tuple;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import dev.nanobanana.camel.runpod.RunpodStatus;
import dev.nanobanana.camel.job.JobKey;
import dev.nanobanana.camel.job.JobPhase;
import dev.nanobanana.camel.job.JobState;

/** What the ledger counts against the budget, told once and run on each database it supports. */
class LedgerBudgetTest extends LedgerOnDatabase {

    @Test
    void aJobIsCountedOnlyIfItsPriceFitsUnderTheCap() {
        assertThat(reserve("one", "1k", "0.30").made()).isTrue();
        assertThat(reserve("two", "1k", "0.30").made()).isTrue();
        assertThat(reserve("three", "1k", "0.30").made()).isTrue();

        Reservation fourth = reserve("four", "1k", "0.30");

        assertThat(fourth.made()).isFalse();
        assertThat(fourth.countedUsd()).isEqualByComparingTo("0.2625");
        assertThat(ledger.find(key("four")).orElseThrow().phase()).as("left as it was").isEqualTo(JobPhase.RECEIVED);
        assertThat(ledger.find(key("three")).orElseThrow().phase()).isEqualTo(JobPhase.SUBMITTING);
        assertThat(counted()).isEqualByComparingTo("0.2625");
    }

    @Test
    void aJobReceivedByAnInstanceThatStoppedCountsNothingUntilTheInstanceThatTookItOverSubmitsItOnce() {
        JobState received = SampleJobs.received("shoe", "p", "1k", clock.instant());
        String fingerprint = Fingerprint.of(received.request());
        ledger.admit(key("shoe"), fingerprint, received, "instance-gone", LEASE);
        clock.advance(LEASE);
        assertThat(ledger.takeOverUnsent(key("shoe"), fingerprint, received, A, LEASE)).isPresent();
        assertThat(counted()).isEqualByComparingTo("0");

        assertThat(reserve("shoe", "1k", "0.10").made()).isTrue();
        assertThatThrownBy(() -> ledger.reserve(key("shoe"), received.submitting(clock.instant()), "instance-gone",
                price("1k"), today(), Optional.empty()))
                .isInstanceOf(ClaimLostException.class);

        assertThat(counted()).isEqualByComparingTo("0.0875");
    }

    @Test
    void withMixedResolutionsTheCapStopsExactlyBeforeTheJobThatWouldPassIt() {
        assertThat(reserve("four-k", "4k", "0.40").made()).isTrue();
        assertThat(reserve("two-k", "2k", "0.40").made()).isTrue();
        assertThat(reserve("one-k", "1k", "0.40").made()).isTrue();
        assertThat(counted()).isEqualByComparingTo("0.3925");

        assertThat(reserve("one-k-more", "1k", "0.40").made()).isFalse();
        assertThat(reserve("exactly", "1k", "0.48").made()).as("a cap is reached, not passed").isTrue();
    }

    @Test
    void withoutACapEveryJobIsCounted() {
        for (int i = 0; i < 5; i++) {
            assertThat(reserve("job-" + i, "4k", null).made()).isTrue();
        }

        assertThat(counted()).isEqualByComparingTo("0.875");
    }

    @Test
    void runpodsCostReplacesThePriceAndAJobRunpodFailedCountsNothing() {
        JobState cheaper = reserved("cheaper", "2k", "0.30");
        JobState failing = reserved("failing", "2k", "0.30");
        assertThat(reserve("waiting", "2k", "0.30").made()).isFalse();

        ledger.save(key("cheaper"), cheaper.answered(SampleJobs.answer("rp-1", RunpodStatus.COMPLETED, "0.10")), A);
        assertThat(counted()).isEqualByComparingTo("0.23");
        assertThat(reserve("waiting", "2k", "0.30").made()).isFalse();

        ledger.save(key("failing"), failing.answered(SampleJobs.failure("rp-2")).failed(false), A);
        assertThat(counted()).isEqualByComparingTo("0.10");
        assertThat(reserve("waiting", "2k", "0.30").made()).isTrue();
        assertThat(counted()).isEqualByComparingTo("0.23");
    }

    @Test
    void aSubmitThatNeverReachedRunpodCountsNothingAndOneInDoubtKeepsItsPrice() {
        JobState refused = reserved("refused", "1k", null);
        JobState inDoubt = reserved("in-doubt", "4k", null);

        ledger.save(key("refused"), refused.failed(false), A);
        ledger.save(key("in-doubt"), inDoubt.failed(true), A);

        PeriodSpend spend = ledger.periodSpend(today());
        assertThat(spend.countedUsd()).isEqualByComparingTo("0.175");
        assertThat(spend.spentUsd()).isEqualByComparingTo("0.175");
        assertThat(spend.jobsInFlight()).isZero();
    }

    @Test
    void aJobSubmittedAgainAfterAnUnansweredSubmitCountsForBoth() {
        JobState first = reserved("twice", "1k", null);

        Reservation again = ledger.reserve(key("twice"), first.submitting(clock.instant()), A,
                new BigDecimal("0.0875"), today(), Optional.of(new BigDecimal("1")));
        ledger.save(key("twice"), first.answered(SampleJobs.answer("rp-1", RunpodStatus.COMPLETED, "0.0875")), A);

        assertThat(again.made()).isTrue();
        assertThat(counted()).as("the first request may have been charged too").isEqualByComparingTo("0.175");
    }

    @Test
    void aNewUtcDayStartsFromNothingWhileAMonthCountsItsDays() {
        reserved("friday-1", "1k", "0.20");
        reserved("friday-2", "1k", "0.20");
        assertThat(reserve("saturday", "1k", "0.20").made()).isFalse();

        clock.advance(Duration.ofHours(15));

        assertThat(today()).isEqualTo(LocalDate.parse("2026-03-15"));
        assertThat(ledger.reserve(key("saturday"), ledger.find(key("saturday")).orElseThrow().state()
                .submitting(clock.instant()), A, new BigDecimal("0.0875"), today().withDayOfMonth(1),
                Optional.of(new BigDecimal("0.20"))).made()).as("the month counts Friday").isFalse();
        assertThat(reserve("saturday", "1k", "0.20").made()).isTrue();
        assertThat(ledger.periodSpend(today()).countedUsd()).isEqualByComparingTo("0.0875");
        assertThat(ledger.periodSpend(today().withDayOfMonth(1)).countedUsd()).isEqualByComparingTo("0.2625");
    }

    @Test
    void whatWasSpentIsToldApartFromWhatIsInFlight() {
        JobState delivered = reserved("delivered", "2k", null);
        ledger.save(key("delivered"), SampleJobs.kept(delivered.answered(SampleJobs.answer("rp-1",
                RunpodStatus.IN_PROGRESS, null)), "0.12").delivered(), A);
        reserved("in-flight", "4k", null);

        PeriodSpend spend = ledger.periodSpend(today());

        assertThat(spend.countedUsd()).isEqualByComparingTo("0.295");
        assertThat(spend.spentUsd()).isEqualByComparingTo("0.12");
        assertThat(spend.jobsInFlight()).isOne();
        assertThat(spend.inFlightUsd()).isEqualByComparingTo("0.175");
    }

    @Test
    void spendingSumsWhatJobsCostPerUtcDayAndSource() {
        LocalDate friday = LocalDate.parse("2026-03-13");
        LocalDate saturday = friday.plusDays(1);
        spend("inbox", "before", "2026-03-12T23:59:59Z", "1k", "0.13");
        spend("inbox", "late-friday", "2026-03-13T23:59:59.999Z", "2k", "0.13");
        spend("inbox", "friday", "2026-03-13T08:00:00Z", "1k", "0.0875");
        spend("s3-inbox", "friday", "2026-03-13T12:00:00Z", "4k", "0.175");
        spend("inbox", "saturday", "2026-03-14T00:00:00Z", "2k", "0.13");
        spend("inbox", "no-cost-said", "2026-03-14T01:00:00Z", "2k", null);
        spend("inbox", "failed", "2026-03-14T02:00:00Z", "4k", "failed");
        spend("inbox", "in-flight", "2026-03-14T03:00:00Z", "4k", "in flight");

        Spending spending = ledger.spending(friday, saturday);

        assertThat(spending.days()).extracting(Spending.DailyCost::day, Spending.DailyCost::source,
                Spending.DailyCost::jobs).containsExactly(
                        Tuple.tuple(friday, "inbox", 2L),
                        Tuple.tuple(friday, "s3-inbox", 1L),
                        Tuple.tuple(saturday, "inbox", 2L));
        assertThat(spending.days()).extracting(Spending.DailyCost::costUsd).usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("0.2175"), new BigDecimal("0.175"), new BigDecimal("0.26"));
        assertThat(spending.totalUsd()).isEqualByComparingTo("0.6525");
        assertThat(spending.jobsInFlight()).isOne();
        assertThat(spending.inFlightUsd()).isEqualByComparingTo("0.175");
    }

    @Test
    void aDayWithoutJobsCostsNothing() {
        Spending spending = ledger.spending(LocalDate.parse("2026-01-01"), LocalDate.parse("2026-01-01"));

        assertThat(spending.days()).isEmpty();
        assertThat(spending.totalUsd()).isEqualByComparingTo("0");
        assertThat(spending.inFlightUsd()).isEqualByComparingTo("0");
    }

    @Test
    void twoInstancesCountingManyJobsAtOnceNeverPassTheCap() throws Exception {
        int jobs = 60;
        JobLedger a = open();
        JobLedger b = open();
        List<JobState> states = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            JobState received = SampleJobs.received("job-" + i, "p", "1k", clock.instant());
            ledger.admit(key("job-" + i), Fingerprint.of(received.request()), received,
                    i % 2 == 0 ? A : B, LEASE);
            states.add(received);
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(12);
        List<Future<Boolean>> made = new ArrayList<>();
        try {
            for (int i = 0; i < jobs; i++) {
                int job = i;
                made.add(threads.submit(() -> {
                    start.await();
                    JobLedger instance = job % 2 == 0 ? a : b;
                    return instance.reserve(key("job-" + job), states.get(job).submitting(clock.instant()),
                            job % 2 == 0 ? A : B, new BigDecimal("0.0875"), today(),
                            Optional.of(new BigDecimal("0.875"))).made();
                }));
            }
            start.countDown();
            int submitted = 0;
            for (Future<Boolean> result : made) {
                submitted += result.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }

            assertThat(submitted).isEqualTo(10);
            assertThat(counted()).isEqualByComparingTo("0.875");
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aLedgerOfTheFirstVersionCountsItsJobsOnceMigrated() throws Exception {
        String older = newDatabaseUrl();
        Flyway.configure().dataSource(older, user(), "").locations("classpath:db/ledger")
                .table("ledger_schema_history").target("1").load().migrate();
        try (Connection c = DriverManager.getConnection(older, user(), "")) {
            insertV1(c, "delivered", "DELIVERED", "2k", "0.12", "{\"inDoubt\":false}");
            insertV1(c, "in-doubt", "FAILED", "4k", null, "{\"inDoubt\":true}");
            insertV1(c, "refused", "FAILED", "1k", null, "{\"inDoubt\":false}");
            insertV1(c, "in-flight", "SUBMITTED", "1k", null, "{\"inDoubt\":false}");
        }

        JobLedger migrated = open(older);

        PeriodSpend spend = migrated.periodSpend(today());
        assertThat(spend.countedUsd()).isEqualByComparingTo("0.3825");
        assertThat(spend.jobsInFlight()).isOne();
        assertThat(spend.inFlightUsd()).isEqualByComparingTo("0.0875");
    }

    // --- helpers

    private void insertV1(Connection c, String jobId, String phase, String resolution, String cost,
            String state) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO ledger_job (source, job_id, phase, "
                + "fingerprint, resolution, cost_usd, submitted_at, updated_at, route, state) "
                + "VALUES ('inbox', ?, ?, 'f', ?, ?, ?, ?, '{}', ?)")) {
            OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
            insert.setString(1, jobId);
            insert.setString(2, phase);
            insert.setString(3, resolution);
            insert.setBigDecimal(4, cost == null ? null : new BigDecimal(cost));
            insert.setObject(5, now);
            insert.setObject(6, now);
            insert.setString(7, state);
            insert.executeUpdate();
        }
    }

    private static JobKey key(String jobId) {
        return new JobKey("inbox", jobId);
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private BigDecimal counted() {
        return ledger.periodSpend(today()).countedUsd();
    }

    /** Offers the job (admitting it first, if new) for counting under {@code cap} (null: none) as instance A. */
    private Reservation reserve(String jobId, String resolution, String cap) {
        return reserve(key(jobId), resolution, cap, clock.instant());
    }

    private Reservation reserve(JobKey key, String resolution, String cap, Instant at) {
        JobState received = ledger.find(key).map(StoredJob::state).orElseGet(() -> {
            JobState state = SampleJobs.received(key.jobId(), "p", resolution, at);
            ledger.admit(key, Fingerprint.of(state.request()), state, A, LEASE);
            return state;
        });
        return ledger.reserve(key, received.submitting(at), A, price(resolution),
                LocalDate.ofInstant(at, ZoneOffset.UTC), Optional.ofNullable(cap).map(BigDecimal::new));
    }

    /** A job counted and recorded as submitting: its state as the ledger now holds it. */
    private JobState reserved(String jobId, String resolution, String cap) {
        assertThat(reserve(jobId, resolution, cap).made()).as(jobId).isTrue();
        return ledger.find(key(jobId)).orElseThrow().state();
    }

    /** A job of {@code source} submitted at {@code at} that cost {@code cost}, or failed, or is still in flight. */
    private void spend(String source, String jobId, String at, String resolution, String cost) {
        JobKey key = new JobKey(source, jobId);
        Instant submitted = Instant.parse(at);
        assertThat(reserve(key, resolution, null, submitted).made()).isTrue();
        JobState state = ledger.find(key).orElseThrow().state();
        if ("in flight".equals(cost)) {
            return;
        }
        JobState answered = "failed".equals(cost)
                ? state.answered(SampleJobs.failure("rp-" + jobId)).failed(false)
                : SampleJobs.kept(state.answered(SampleJobs.answer("rp-" + jobId, RunpodStatus.IN_QUEUE, null)), cost)
                        .delivered();
        ledger.save(key, answered, A);
    }

    private static BigDecimal price(String resolution) {
        return switch (resolution) {
            case "1k" -> new BigDecimal("0.0875");
            case "2k" -> new BigDecimal("0.13");
            default -> new BigDecimal("0.175");
        };
    }
}
