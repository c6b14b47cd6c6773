package dev.nanobanana.camel.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.nanobanana.camel.job.JobKey;
import dev.nanobanana.camel.job.JobPhase;
import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.runpod.RunpodStatus;

/**
 * A ledger that has seen a million jobs, built with SQL: admitting a job and every query of the status page find
 * their rows through the key or an index, never by reading the whole table, so they cost what they cost on an empty
 * ledger (bench/ measures it: {@code java bench/Bench.java --ledger-rows 1000000}).
 */
class MillionJobsTest extends LedgerOnDatabase {

    static final int OLD_JOBS = 1_000_000;

    @Test
    void admissionAndTheStatusPageReadOnlyTheRowsTheyNeed() throws SQLException {
        JobState today = deliver("today-1", "0.13");
        fillWithOldJobs();

        try (Connection connection = ledger.dataSource().getConnection()) {
            for (Query query : queries()) {
                assertThat(plan(connection, query)).as(query.what() + " on " + database)
                        .doesNotContainIgnoringCase("tableScan")
                        .doesNotContainIgnoringCase("Seq Scan on ledger_job");
            }
        }

        // what a user sees: a new job is taken, and today's page counts today among a million
        JobState fresh = SampleJobs.received("today-2", clock.instant());
        assertThat(JobLedgerTest.admit(ledger, "today-2", fresh, A).mayRun()).isTrue();
        Instant startOfToday = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC)
                .toInstant();
        assertThat(ledger.countPerPhase(startOfToday)).isEqualTo(Map.of(JobPhase.DELIVERED, 1L,
                JobPhase.RECEIVED, 1L));
        assertThat(ledger.newestFinished(JobPhase.DELIVERED, 1)).singleElement()
                .satisfies(newest -> assertThat(newest.key().jobId()).isEqualTo(today.jobId()));
        assertThat(ledger.totalCostUsd()).as("the old jobs' charges and today's")
                .isEqualByComparingTo(new BigDecimal("0.0875").multiply(BigDecimal.valueOf(OLD_JOBS - OLD_JOBS / 10))
                        .add(new BigDecimal("0.13")));
    }

    /** The statements of admitting a job and of the status page, with parameters as they run. */
    private List<Query> queries() {
        Instant now = clock.instant();
        Timestamp startOfToday = Timestamp.from(LocalDate.ofInstant(now, ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC)
                .toInstant());
        Timestamp hourAgo = Timestamp.from(now.minusSeconds(3600));
        List<Query> queries = new ArrayList<>();
        queries.add(new Query("admission's look-up", JobTable.SELECT + " FOR UPDATE", "inbox", "old-17"));
        queries.add(new Query("unfinished jobs per phase", JobTable.UNFINISHED_PER_PHASE));
        for (String phase : List.of("DELIVERED", "FAILED")) {
            queries.add(new Query(phase + " today", JobTable.FINISHED_SINCE, phase, startOfToday));
            queries.add(new Query("newest " + phase, JobTable.NEWEST_FINISHED, phase, 10));
            queries.add(new Query(phase + " per minute", JobTable.FINISHED_PER_MINUTE, phase, hourAgo));
        }
        queries.add(new Query("today's spending", JobTable.COST_PER_DAY, startOfToday,
                Timestamp.from(now.plusSeconds(86_400))));
        queries.add(new Query("jobs on their way", JobTable.ON_ITS_WAY_SINCE, startOfToday));
        queries.add(new Query("jobs on their way, every day", JobTable.ON_ITS_WAY_EVER));
        return queries;
    }

    private String plan(Connection connection, Query query) throws SQLException {
        try (PreparedStatement explain = connection.prepareStatement("EXPLAIN " + query.sql())) {
            for (int i = 0; i < query.parameters().length; i++) {
                explain.setObject(i + 1, query.parameters()[i]);
            }
            StringBuilder plan = new StringBuilder();
            try (ResultSet rows = explain.executeQuery()) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }

    /**
     * A million jobs finished over the last three months (one in ten failed), as the ledger writes them, with their
     * charges per day; then the statistics a long-lived database has.
     */
    private void fillWithOldJobs() throws SQLException {
        boolean h2 = database == SupportedDatabase.H2;
        String at = h2 ? "DATEADD(SECOND, -8 * x, TIMESTAMP WITH TIME ZONE '2026-03-13 23:00:00+00')"
                : "TIMESTAMPTZ '2026-03-13 23:00:00+00' - 8 * x * INTERVAL '1 second'";
        String day = "CAST(submitted_at AT TIME ZONE 'UTC' AS DATE)";
        try (Connection connection = ledger.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            // as retention leaves them (without their pruned request, which only admitting the same key reads)
            String route;
            String progress;
            try (ResultSet row = statement.executeQuery("SELECT route, progress FROM ledger_job "
                                                        + "WHERE job_id = 'today-1'")) {
                row.next();
                route = row.getString(1).replace("'", "''");
                progress = row.getString(2).replace("'", "''");
            }
            int step = OLD_JOBS / 10;
            for (int first = 1; first <= OLD_JOBS; first += step) {
                String numbers = (h2 ? "SYSTEM_RANGE(" : "generate_series(") + first + ", " + (first + step - 1)
                                 + ") n(x)";
                statement.execute("INSERT INTO ledger_job (source, job_id, phase, fingerprint, runpod_id, "
                        + "resolution, cost_usd, charge_usd, received_at, submitted_at, updated_at, finished_at, "
                        + "route, progress, pruned_at) "
                        + "SELECT 'inbox', 'old-' || x, CASE WHEN MOD(x, 10) = 0 THEN 'FAILED' ELSE 'DELIVERED' END, "
                        + "'old', 'rp-old-' || x, '1k', "
                        + "CASE WHEN MOD(x, 10) = 0 THEN NULL ELSE 0.0875 END, "
                        + "CASE WHEN MOD(x, 10) = 0 THEN 0 ELSE 0.0875 END, "
                        + at + ", " + at + ", " + at + ", " + at + ", '" + route + "', '" + progress + "', " + at
                        + " FROM " + numbers);
            }
            statement.execute("INSERT INTO ledger_spend (utc_day, usd) SELECT " + day + ", SUM(charge_usd) "
                    + "FROM ledger_job WHERE job_id LIKE 'old-%' GROUP BY " + day);
            statement.execute("ANALYZE");
        }
    }

    private JobState deliver(String jobId, String cost) {
        JobState received = SampleJobs.received(jobId, "p", "2k", clock.instant());
        JobLedgerTest.admit(ledger, jobId, received, A);
        JobKey key = JobLedgerTest.key(jobId);
        assertThat(ledger.reserve(key, received.submitting(clock.instant()), A, new BigDecimal(cost),
                LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC), Optional.empty()).made()).isTrue();
        JobState submitting = ledger.find(key).orElseThrow().state();
        JobState delivered = SampleJobs.kept(submitting.answered(SampleJobs.answer("rp-" + jobId,
                RunpodStatus.IN_QUEUE, null)), cost).delivered();
        ledger.save(key, delivered, A);
        return delivered;
    }

    private record Query(String what, String sql, Object... parameters) {
    }
}
