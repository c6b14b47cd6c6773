package dev.nanobanana.camel.ledger;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.job.JobKey;
import dev.nanobanana.camel.job.JobPhase;
import dev.nanobanana.camel.job.JobState;

/** The statements on the {@code ledger_job} table, the same on H2 and PostgreSQL, each within the caller's transaction. */
final class JobTable {

    static final Set<JobPhase> IN_FLIGHT = EnumSet.of(JobPhase.SUBMITTING, JobPhase.SUBMITTED, JobPhase.RESULT_RECEIVED);
    static final Set<JobPhase> FINISHED = EnumSet.of(JobPhase.DELIVERED, JobPhase.FAILED);
    static final Set<JobPhase> UNFINISHED = EnumSet.complementOf(EnumSet.copyOf(FINISHED));
    /** May be charging now, without a cost in the ledger yet. */
    static final Set<JobPhase> AWAITING_COST = EnumSet.of(JobPhase.SUBMITTING, JobPhase.SUBMITTED);

    /** The columns a row is written with; {@code state} is left out: it holds the whole state of rows written before. */
    private static final String WRITTEN = "source, job_id, phase, fingerprint, runpod_id, source_file, resolution, "
            + "cost_usd, owner, lease_until, received_at, submitted_at, updated_at, finished_at, route, progress, "
            + "charge_usd";

    /** The columns a job is read from: its request is in a table of its own, written once. */
    private static final String COLUMNS = WRITTEN + ", state, (SELECT r.request FROM ledger_request r "
            + "WHERE r.source = ledger_job.source AND r.job_id = ledger_job.job_id) AS request";

    static final String SELECT = "SELECT " + COLUMNS + " FROM ledger_job WHERE source = ? AND job_id = ?";

    private static final String INSERT = "INSERT INTO ledger_job (" + WRITTEN + ") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private static final String INSERT_REQUEST = "INSERT INTO ledger_request (source, job_id, request) VALUES (?, ?, ?)";

    private static final String DELETE_REQUEST = "DELETE FROM ledger_request WHERE source = ? AND job_id = ?";

    private static final String REPLACE = "UPDATE ledger_job SET phase = ?, fingerprint = ?, runpod_id = ?, "
            + "source_file = ?, resolution = ?, cost_usd = ?, owner = ?, lease_until = ?, received_at = ?, "
            + "submitted_at = ?, updated_at = ?, finished_at = ?, route = ?, progress = ?, charge_usd = ?, "
            + "state = NULL, pruned_at = NULL WHERE source = ? AND job_id = ?";

    // a charge of NULL keeps the one the job has
    private static final String SAVE_STATE = "UPDATE ledger_job SET phase = ?, runpod_id = ?, source_file = ?, "
            + "resolution = ?, cost_usd = ?, received_at = ?, submitted_at = ?, updated_at = ?, finished_at = ?, "
            + "progress = ?, charge_usd = COALESCE(?, charge_usd) WHERE source = ? AND job_id = ? AND owner = ?";

    private static final String LOCK_CHARGE = "SELECT charge_usd, submitted_at FROM ledger_job "
            + "WHERE source = ? AND job_id = ? AND owner = ? FOR UPDATE";

    // SKIP LOCKED: an instance claiming at the same time takes other rows instead of waiting for these
    private static final String LOCK_ABANDONED = "SELECT " + COLUMNS + " FROM ledger_job "
            + "WHERE phase IN " + inList(IN_FLIGHT) + " AND lease_until <= ? "
            + "ORDER BY lease_until FETCH FIRST ? ROWS ONLY FOR UPDATE SKIP LOCKED";

    private static final String LOCK_HELD = "SELECT " + COLUMNS + " FROM ledger_job "
            + "WHERE phase IN " + inList(IN_FLIGHT) + " AND owner = ? ORDER BY updated_at FOR UPDATE";

    private static final String LOCK_FAILED_SUBMITTED_SINCE = "SELECT " + COLUMNS + " FROM ledger_job "
            + "WHERE phase = 'FAILED' AND runpod_id IS NOT NULL AND submitted_at >= ? FOR UPDATE SKIP LOCKED";

    // the index on (phase, finished_at) serves it; a sweep looks at the jobs finished since the one before
    private static final String LOCK_UNPRUNED = "SELECT " + COLUMNS + " FROM ledger_job "
            + "WHERE phase IN " + inList(FINISHED) + " AND finished_at >= ? AND finished_at < ? AND pruned_at IS NULL "
            + "FETCH FIRST ? ROWS ONLY FOR UPDATE SKIP LOCKED";

    private static final String PRUNE = "UPDATE ledger_job SET progress = ?, state = NULL, pruned_at = ? "
            + "WHERE source = ? AND job_id = ?";

    private static final String ASSIGN = "UPDATE ledger_job SET owner = ?, lease_until = ? "
            + "WHERE source = ? AND job_id = ?";

    private static final String RELEASE = "UPDATE ledger_job SET owner = NULL, lease_until = ? "
            + "WHERE source = ? AND job_id = ? AND owner = ?";

    private static final String RELEASE_UNSENT = "UPDATE ledger_job SET owner = NULL, lease_until = ? "
            + "WHERE owner = ? AND phase = 'RECEIVED' AND received_at < ?";

    private static final String RENEW = "UPDATE ledger_job SET lease_until = ? "
            + "WHERE owner = ? AND phase IN " + inList(UNFINISHED);

    private static final String UTC_DAY = "CAST(submitted_at AT TIME ZONE 'UTC' AS DATE)";

    /** Submitted, with no cost from RunPod yet: it counts its price until RunPod answers. */
    private static final String ON_ITS_WAY = "phase IN " + inList(AWAITING_COST) + " AND cost_usd IS NULL";

    static final String COST_PER_DAY = "SELECT " + UTC_DAY + ", source, COUNT(*), SUM(charge_usd) "
            + "FROM ledger_job WHERE charge_usd > 0 AND NOT (" + ON_ITS_WAY + ") "
            + "AND submitted_at >= ? AND submitted_at < ? "
            + "GROUP BY " + UTC_DAY + ", source ORDER BY 1, 2";

    static final String ON_ITS_WAY_SINCE = "SELECT COUNT(*), COALESCE(SUM(charge_usd), 0) FROM ledger_job "
            + "WHERE " + ON_ITS_WAY + " AND charge_usd IS NOT NULL AND submitted_at >= ?";

    // the status page's statements read through an index, however many jobs the ledger holds (MillionJobsTest)
    static final String ON_ITS_WAY_EVER = "SELECT COUNT(*), COALESCE(SUM(charge_usd), 0) FROM ledger_job "
            + "WHERE " + ON_ITS_WAY + " AND charge_usd IS NOT NULL";

    static final String UNFINISHED_PER_PHASE = "SELECT phase, COUNT(*) FROM ledger_job "
            + "WHERE phase IN " + inList(UNFINISHED) + " GROUP BY phase";

    static final String FINISHED_SINCE = "SELECT COUNT(*) FROM ledger_job WHERE phase = ? AND finished_at >= ?";

    static final String NEWEST_FINISHED = "SELECT " + COLUMNS + " FROM ledger_job "
            + "WHERE phase = ? ORDER BY phase, finished_at DESC FETCH FIRST ? ROWS ONLY";

    private static final String FINISHED_BETWEEN = "SELECT " + COLUMNS + " FROM ledger_job "
            + "WHERE finished_at >= ? AND finished_at < ? ORDER BY finished_at, source, job_id";

    // DATE_TRUNC means the same on H2 and PostgreSQL; a minute is a minute in every time zone that has whole minutes
    static final String FINISHED_PER_MINUTE = "SELECT DATE_TRUNC('MINUTE', finished_at), COUNT(*) "
            + "FROM ledger_job WHERE phase = ? AND finished_at >= ? GROUP BY DATE_TRUNC('MINUTE', finished_at)";

    Optional<StoredJob> find(Connection connection, JobKey key, boolean forUpdate) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(forUpdate ? SELECT + " FOR UPDATE" : SELECT)) {
            select.setString(1, key.source());
            select.setString(2, key.jobId());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(storedJob(rows)) : Optional.empty();
            }
        }
    }

    void insert(Connection connection, StoredJob job) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setString(1, job.key().source());
            insert.setString(2, job.key().jobId());
            bindRow(insert, 3, job);
            insert.executeUpdate();
        }
        insertRequest(connection, job.key(), LedgerJson.writeRequest(job.state()));
    }

    /** Writes a job anew under a key the ledger knows: its request too, which is written only then. */
    void replace(Connection connection, StoredJob job) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(REPLACE)) {
            int next = bindRow(update, 1, job);
            update.setString(next, job.key().source());
            update.setString(next + 1, job.key().jobId());
            update.executeUpdate();
        }
        deleteRequest(connection, job.key());
        insertRequest(connection, job.key(), LedgerJson.writeRequest(job.state()));
    }

    /** Up to {@code max} jobs that finished from {@code from} until before {@code to} and keep their request still. */
    List<StoredJob> lockUnpruned(Connection connection, Instant from, Instant to, int max) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(LOCK_UNPRUNED)) {
            setInstant(select, 1, from);
            setInstant(select, 2, to);
            select.setInt(3, max);
            return storedJobs(select);
        }
    }

    /** Lets go of a finished job's request, keeping what refusing to pay for it again needs. */
    void prune(Connection connection, StoredJob job, Instant now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(PRUNE)) {
            update.setString(1, LedgerJson.writeProgress(job.state()));
            setInstant(update, 2, now);
            update.setString(3, job.key().source());
            update.setString(4, job.key().jobId());
            update.executeUpdate();
        }
        deleteRequest(connection, job.key());
        insertRequest(connection, job.key(), LedgerJson.writePrunedRequest(job.state()));
    }

    private static void insertRequest(Connection connection, JobKey key, String request) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_REQUEST)) {
            insert.setString(1, key.source());
            insert.setString(2, key.jobId());
            insert.setString(3, request);
            insert.executeUpdate();
        }
    }

    private static void deleteRequest(Connection connection, JobKey key) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(DELETE_REQUEST)) {
            delete.setString(1, key.source());
            delete.setString(2, key.jobId());
            delete.executeUpdate();
        }
    }

    /**
     * Writes a job's new state if {@code owner} holds it, and what it counts against the budget ({@code null}: what it
     * counted so far); says whether it did.
     */
    boolean saveState(Connection connection, JobKey key, JobState state, BigDecimal charge, String owner, Instant now)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(SAVE_STATE)) {
            update.setString(1, state.phase().name());
            update.setString(2, runpodId(state));
            update.setString(3, sourceFile(state));
            update.setString(4, resolution(state));
            update.setBigDecimal(5, cost(state));
            setInstant(update, 6, state.receivedAt());
            setInstant(update, 7, state.submittedAt());
            setInstant(update, 8, now);
            setInstant(update, 9, finished(state) ? now : null);
            update.setString(10, LedgerJson.writeProgress(state));
            update.setBigDecimal(11, charge);
            update.setString(12, key.source());
            update.setString(13, key.jobId());
            update.setString(14, owner);
            return update.executeUpdate() == 1;
        }
    }

    /** What a job that {@code owner} holds counts against the budget, and since when; locked until the caller commits. */
    Optional<Charge> lockCharge(Connection connection, JobKey key, String owner) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(LOCK_CHARGE)) {
            select.setString(1, key.source());
            select.setString(2, key.jobId());
            select.setString(3, owner);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(new Charge(row.getBigDecimal(1), instant(row, "submitted_at")))
                        : Optional.empty();
            }
        }
    }

    List<StoredJob> lockAbandoned(Connection connection, Instant now, int max) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(LOCK_ABANDONED)) {
            setInstant(select, 1, now);
            select.setInt(2, max);
            return storedJobs(select);
        }
    }

    List<StoredJob> lockHeld(Connection connection, String owner) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(LOCK_HELD)) {
            select.setString(1, owner);
            return storedJobs(select);
        }
    }

    List<StoredJob> lockFailedSubmittedSince(Connection connection, Instant since) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(LOCK_FAILED_SUBMITTED_SINCE)) {
            setInstant(select, 1, since);
            return storedJobs(select);
        }
    }

    void assign(Connection connection, List<StoredJob> jobs, String owner, Instant leaseUntil) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(ASSIGN)) {
            for (StoredJob job : jobs) {
                update.setString(1, owner);
                setInstant(update, 2, leaseUntil);
                update.setString(3, job.key().source());
                update.setString(4, job.key().jobId());
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    boolean release(Connection connection, JobKey key, String owner, Instant now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(RELEASE)) {
            setInstant(update, 1, now);
            update.setString(2, key.source());
            update.setString(3, key.jobId());
            update.setString(4, owner);
            return update.executeUpdate() == 1;
        }
    }

    int releaseUnsent(Connection connection, String owner, Instant receivedBefore, Instant now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(RELEASE_UNSENT)) {
            setInstant(update, 1, now);
            update.setString(2, owner);
            setInstant(update, 3, receivedBefore);
            return update.executeUpdate();
        }
    }

    int renew(Connection connection, String owner, Instant leaseUntil) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(RENEW)) {
            setInstant(update, 1, leaseUntil);
            update.setString(2, owner);
            return update.executeUpdate();
        }
    }

    List<Spending.DailyCost> costPerDay(Connection connection, LocalDate firstDay, LocalDate lastDay)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(COST_PER_DAY)) {
            setInstant(select, 1, firstDay.atStartOfDay(ZoneOffset.UTC).toInstant());
            setInstant(select, 2, lastDay.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
            List<Spending.DailyCost> days = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    days.add(new Spending.DailyCost(rows.getObject(1, LocalDate.class), rows.getString(2),
                            rows.getLong(3), rows.getBigDecimal(4)));
                }
            }
            return days;
        }
    }

    /** How many jobs submitted since {@code since} are on their way (no cost from RunPod yet), and their prices. */
    OnItsWay onItsWay(Connection connection, Instant since) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(ON_ITS_WAY_SINCE)) {
            setInstant(select, 1, since);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return new OnItsWay(row.getLong(1), row.getBigDecimal(2));
            }
        }
    }

    /** The jobs submitted and not answered yet, of every day: what they count until RunPod says their cost. */
    OnItsWay onItsWayEver(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(ON_ITS_WAY_EVER);
                ResultSet row = select.executeQuery()) {
            row.next();
            return new OnItsWay(row.getLong(1), row.getBigDecimal(2));
        }
    }

    /** Jobs per phase: every unfinished one, and those finished since {@code finishedSince}. */
    Map<JobPhase, Long> countPerPhase(Connection connection, Instant finishedSince) throws SQLException {
        Map<JobPhase, Long> counts = new EnumMap<>(JobPhase.class);
        try (PreparedStatement select = connection.prepareStatement(UNFINISHED_PER_PHASE);
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                counts.put(JobPhase.valueOf(rows.getString(1)), rows.getLong(2));
            }
        }
        for (JobPhase finished : FINISHED) {
            try (PreparedStatement select = connection.prepareStatement(FINISHED_SINCE)) {
                select.setString(1, finished.name());
                setInstant(select, 2, finishedSince);
                try (ResultSet row = select.executeQuery()) {
                    long jobs = row.next() ? row.getLong(1) : 0;
                    if (jobs > 0) {
                        counts.put(finished, jobs);
                    }
                }
            }
        }
        return counts;
    }

    List<StoredJob> newestFinished(Connection connection, JobPhase phase, int max) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(NEWEST_FINISHED)) {
            select.setString(1, phase.name());
            select.setInt(2, max);
            return storedJobs(select);
        }
    }

    void forEachFinished(Connection connection, Instant from, Instant to, Consumer<StoredJob> each)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(FINISHED_BETWEEN)) {
            setInstant(select, 1, from);
            setInstant(select, 2, to);
            select.setFetchSize(100);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    each.accept(storedJob(rows));
                }
            }
        }
    }

    List<FinishedMinute> finishedPerMinute(Connection connection, Instant since) throws SQLException {
        List<FinishedMinute> minutes = new ArrayList<>();
        for (JobPhase finished : FINISHED) {
            try (PreparedStatement select = connection.prepareStatement(FINISHED_PER_MINUTE)) {
                select.setString(1, finished.name());
                setInstant(select, 2, since);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        minutes.add(new FinishedMinute(rows.getObject(1, OffsetDateTime.class).toInstant(), finished,
                                rows.getLong(2)));
                    }
                }
            }
        }
        return minutes;
    }

    /** Binds every column but the key, from {@code first} on; answers the next parameter's index. */
    private static int bindRow(PreparedStatement statement, int first, StoredJob job) throws SQLException {
        JobState state = job.state();
        int i = first;
        statement.setString(i++, state.phase().name());
        statement.setString(i++, job.fingerprint());
        statement.setString(i++, runpodId(state));
        statement.setString(i++, sourceFile(state));
        statement.setString(i++, resolution(state));
        statement.setBigDecimal(i++, cost(state));
        statement.setString(i++, job.owner());
        setInstant(statement, i++, job.leaseUntil());
        setInstant(statement, i++, state.receivedAt());
        setInstant(statement, i++, state.submittedAt());
        setInstant(statement, i++, job.updatedAt());
        setInstant(statement, i++, job.finishedAt());
        statement.setString(i++, LedgerJson.write(job.route()));
        statement.setString(i++, LedgerJson.writeProgress(state));
        // a new row, or a row reused by another run: whatever it counted stays counted per day, in ledger_spend
        statement.setBigDecimal(i++, null);
        return i;
    }

    private static List<StoredJob> storedJobs(PreparedStatement select) throws SQLException {
        List<StoredJob> jobs = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                jobs.add(storedJob(rows));
            }
        }
        return jobs;
    }

    private static StoredJob storedJob(ResultSet row) throws SQLException {
        return new StoredJob(
                new JobKey(row.getString("source"), row.getString("job_id")),
                LedgerJson.readState(row.getString("request"), row.getString("progress"), row.getString("state"))
                        .withRoute(LedgerJson.readRoute(row.getString("route")).withSource(row.getString("source"))),
                row.getString("fingerprint"),
                row.getString("owner"),
                instant(row, "lease_until"),
                instant(row, "updated_at"),
                instant(row, "finished_at"));
    }

    static boolean finished(JobState state) {
        return !UNFINISHED.contains(state.phase());
    }

    /** What a job counts against the budget, and when it was submitted (its day counts it). */
    record Charge(BigDecimal usd, Instant submittedAt) {
    }

    /** Jobs submitted and not answered with a cost yet, and what they count. */
    record OnItsWay(long jobs, BigDecimal usd) {
    }

    private static String runpodId(JobState state) {
        return state.result() == null ? null : state.result().id();
    }

    private static String sourceFile(JobState state) {
        return state.draft() == null ? null : state.draft().sourceFile();
    }

    private static String resolution(JobState state) {
        if (state.job() != null) {
            return state.job().resolution();
        }
        return state.request() == null || state.request().input() == null ? null
                : state.request().input().resolution();
    }

    private static BigDecimal cost(JobState state) {
        RunpodResult result = state.result();
        return result == null ? null : result.cost().orElse(null);
    }

    private static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
        }
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static String inList(Set<JobPhase> phases) {
        return phases.stream().map(phase -> "'" + phase.name() + "'").collect(Collectors.joining(", ", "(", ")"));
    }
}
