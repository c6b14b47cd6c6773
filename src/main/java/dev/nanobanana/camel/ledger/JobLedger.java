package dev.nanobanana.camel.ledger;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.nanobanana.camel.job.JobKey;
import dev.nanobanana.camel.job.JobPhase;
import dev.nanobanana.camel.job.JobState;

/**
 * The durable record of every job a source took, so that a crash or a restart never pays for a job twice: an H2 file
 * for one instance, or a PostgreSQL database that several instances share. Each instance names itself as an owner;
 * the jobs it works on are its own until their lease runs out, and {@link #renew} keeps them so.
 */
public final class JobLedger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobLedger.class);
    private static final String DUPLICATE_KEY = "23505";

    private final HikariDataSource pool;
    // an embedded H2 file only: a server keeps its own disk
    private final Optional<LedgerFileUpkeep> fileUpkeep;
    private final boolean onlyThisProcess;
    private final Clock clock;
    private final JobTable jobs = new JobTable();
    private final SpendTable spend = new SpendTable();
    // what a job costs the ledger: bench/ divides it by the jobs run
    private final LongAdder commits = new LongAdder();

    private JobLedger(HikariDataSource pool, boolean h2File, boolean onlyThisProcess, Clock clock) {
        this.pool = pool;
        this.fileUpkeep = h2File ? Optional.of(LedgerFileUpkeep.start(pool)) : Optional.empty();
        this.onlyThisProcess = onlyThisProcess;
        this.clock = clock;
    }

    /**
     * Connects to the ledger's database and brings its schema up to date, such as {@code jdbc:h2:file:./state/ledger}
     * (created when missing) or {@code jdbc:postgresql://db:5432/nanobanana}.
     */
    public static JobLedger open(String jdbcUrl, String user, String password) {
        return open(jdbcUrl, user, password, Clock.systemUTC());
    }

    /** As {@link #open(String, String, String)}, with the clock that leases and times are read from. */
    public static JobLedger open(String jdbcUrl, String user, String password, Clock clock) {
        return new JobLedger(LedgerDatabase.open(jdbcUrl, user, password), LedgerDatabase.h2File(jdbcUrl),
                LedgerDatabase.onlyThisProcess(jdbcUrl), clock);
    }

    /**
     * Atomically records a job as received, or says what is known about its key; only {@link Admission#mayRun()}
     * lets the caller submit it, as the job's owner until {@code lease} from now.
     *
     * @param fingerprint the request's {@link Fingerprint}: the same key with another request is another job
     */
    public Admission admit(JobKey key, String fingerprint, JobState state, String owner, Duration lease) {
        try {
            return inTransaction("admitting job " + key, c -> admit(c, key, fingerprint, state, owner, lease));
        } catch (LedgerException e) {
            if (!isDuplicateKey(e)) {
                throw e;
            }
            // another instance recorded the key between our look and our insert: its row is there to judge now
            return inTransaction("admitting job " + key, c -> admit(c, key, fingerprint, state, owner, lease));
        }
    }

    /**
     * Saves a job's new state, while {@code owner} holds the job. What the job counts against the budget follows: RunPod's
     * cost once it says it, nothing once RunPod failed the job (see {@link JobCharge}).
     *
     * @throws ClaimLostException if another instance took the job over, or the ledger does not know it
     */
    public void save(JobKey key, JobState state, String owner) {
        Instant now = now();
        inTransaction("saving job " + key, c -> {
            BigDecimal charge = JobCharge.maySettle(state) ? settle(c, key, state, owner) : null;
            if (!jobs.saveState(c, key, state, charge, owner, now)) {
                throw new ClaimLostException(key, owner, jobs.find(c, key, false).map(StoredJob::owner));
            }
            return null;
        });
    }

    /**
     * Counts a job against the budget and records it as submitting, as one step that the instances sharing the
     * database take one at a time: only if its {@code price} fits under {@code maxUsd} beside what the jobs submitted
     * from {@code firstDay} on count (RunPod's cost, or the price of those in doubt or still on their way). A job that
     * does not fit is left as it was. Each call counts the price again: call it once for each request that may reach
     * RunPod.
     *
     * @param submitting the job's state as it is submitted: it counts in the UTC day of its {@code submittedAt}
     * @param maxUsd the cap; empty: none, the job is only counted
     * @throws ClaimLostException if another instance took the job over, or the ledger does not know it
     */
    public Reservation reserve(JobKey key, JobState submitting, String owner, BigDecimal price, LocalDate firstDay,
            Optional<BigDecimal> maxUsd) {
        Instant now = now();
        return inTransaction("counting job " + key + " against the budget", c -> {
            spend.lockBudget(c);
            BigDecimal counted = spend.since(c, firstDay);
            if (maxUsd.isPresent() && counted.add(price).compareTo(maxUsd.get()) > 0) {
                return new Reservation(false, counted);
            }
            if (!jobs.saveState(c, key, submitting, price, owner, now)) {
                throw new ClaimLostException(key, owner, jobs.find(c, key, false).map(StoredJob::owner));
            }
            spend.add(c, utcDay(submitting.submittedAt()), price);
            return new Reservation(true, counted.add(price));
        });
    }

    /**
     * What the jobs submitted from {@code firstDay} on count against the budget, and how much of it is the price of jobs
     * still on their way.
     */
    public PeriodSpend periodSpend(LocalDate firstDay) {
        return read("reading what the budget counts", c -> {
            JobTable.OnItsWay onItsWay = jobs.onItsWay(c, firstDay.atStartOfDay(ZoneOffset.UTC).toInstant());
            return new PeriodSpend(spend.since(c, firstDay), onItsWay.jobs(), onItsWay.usd());
        });
    }

    /**
     * Takes over up to {@code max} jobs that may have reached RunPod (submitting, submitted or with their result kept)
     * and whose lease expired: their instance stopped renewing it. Two instances claiming at once never take the same
     * job, and a job the caller works on keeps its lease while the caller {@link #renew}s it, so the caller may call
     * this again and again. The caller resumes the jobs: polls what was submitted, delivers what is kept.
     */
    public List<StoredJob> claimAbandoned(String owner, Duration lease, int max) {
        Instant now = now();
        Instant until = now.plus(lease);
        return inTransaction("claiming abandoned jobs for " + owner, c -> {
            List<StoredJob> abandoned = jobs.lockAbandoned(c, now, max);
            jobs.assign(c, abandoned, owner, until);
            return abandoned.stream().map(job -> job.takenBy(owner, until)).toList();
        });
    }

    /**
     * Takes over, for the caller, a job that an instance received and never submitted before it stopped renewing its
     * lease (it died, or let go of the job): it cost nothing, so the caller submits it, as {@code state} offers it,
     * holding it until {@code lease} from now. Two callers at once never both take it. Nothing changes, and the answer
     * is empty, for any other job: one on its way (submitting or later: never submitted again from here), one
     * finished, one whose instance still renews its lease, one the caller holds already, or another request.
     *
     * @return the job as it was before it was taken over: who received it, and when
     */
    public Optional<StoredJob> takeOverUnsent(JobKey key, String fingerprint, JobState state, String owner,
            Duration lease) {
        Instant now = now();
        StoredJob offered = new StoredJob(key, state, fingerprint, owner, now.plus(lease), now, null);
        return inTransaction("taking over job " + key, c -> {
            Optional<StoredJob> known = jobs.find(c, key, true).filter(job -> job.phase() == JobPhase.RECEIVED
                    && job.fingerprint().equals(fingerprint) && !job.heldBy(owner) && job.leaseExpiredAt(now));
            if (known.isPresent()) {
                jobs.replace(c, offered);
            }
            return known;
        });
    }

    /**
     * Lets go of the jobs {@code owner} received before {@code receivedBefore} (when the instance started again) and
     * never submitted: that run of the instance stopped, and their files are still in a source; whoever reads one
     * again, or waits for one of its jobs, runs the job. Answers how many.
     */
    public int releaseUnsent(String owner, Instant receivedBefore) {
        Instant now = now();
        Instant before = receivedBefore.truncatedTo(ChronoUnit.MICROS);
        return inTransaction("letting go of the unsent jobs of " + owner,
                c -> jobs.releaseUnsent(c, owner, before, now));
    }

    /**
     * Takes back, when an instance starts again, the jobs that may have reached RunPod and that it held when it
     * stopped, without waiting for their leases to run out; call it once, before the instance takes new work.
     */
    public List<StoredJob> reclaimOwn(String owner, Duration lease) {
        Instant until = now().plus(lease);
        return inTransaction("reclaiming the jobs of " + owner, c -> {
            List<StoredJob> held = jobs.lockHeld(c, owner);
            jobs.assign(c, held, owner, until);
            return held.stream().map(job -> job.takenBy(owner, until)).toList();
        });
    }

    /**
     * Takes the failed jobs submitted since {@code since} whose image was paid for and never fetched (see
     * {@link JobState#paidImageNotFetched}), and sets them back to {@link JobPhase#RESULT_RECEIVED}, held by
     * {@code owner}: the caller fetches and delivers their images, without submitting them again.
     */
    public List<StoredJob> reopenPaidImages(String owner, Duration lease, Instant since) {
        Instant now = now();
        Instant until = now.plus(lease);
        return inTransaction("reopening jobs whose paid image was not fetched", c -> {
            List<StoredJob> reopened = new ArrayList<>();
            for (StoredJob job : jobs.lockFailedSubmittedSince(c, since)) {
                if (job.state().paidImageNotFetched()) {
                    StoredJob taken = job.takenBy(owner, until).withState(job.state().reopenedToFetch());
                    jobs.assign(c, List.of(taken), owner, until);
                    jobs.saveState(c, taken.key(), taken.state(), null, owner, now);
                    reopened.add(taken);
                }
            }
            return reopened;
        });
    }

    /**
     * Lets go of the request (the prompt, the images, the request sent) of up to {@code max} jobs delivered or failed
     * from {@code from} until before {@code before}: each keeps what refusing to pay for it again needs (its key and
     * fingerprint, its outcome, RunPod's id and cost, its dates), so that its file dropped again is answered as before,
     * never submitted again. Answers how many; while that is {@code max}, there may be more.
     */
    public int prune(Instant from, Instant before, int max) {
        Instant now = now();
        return inTransaction("letting go of the requests of jobs finished before " + before, c -> {
            List<StoredJob> finished = jobs.lockUnpruned(c, from, before, max);
            for (StoredJob job : finished) {
                jobs.prune(c, job, now);
            }
            return finished.size();
        });
    }

    /**
     * Lets go of a job the owner cannot finish for now (its sink is down): it is anyone's to take over at once, the
     * owner's too, through {@link #claimAbandoned}.
     */
    public void release(JobKey key, String owner) {
        Instant now = now();
        inTransaction("releasing job " + key, c -> jobs.release(c, key, owner, now));
    }

    /** Extends to {@code lease} from now the lease of every unfinished job {@code owner} holds; answers how many. */
    public int renew(String owner, Duration lease) {
        Instant until = now().plus(lease);
        return inTransaction("renewing the leases of " + owner, c -> jobs.renew(c, owner, until));
    }

    public Optional<StoredJob> find(JobKey key) {
        return read("reading job " + key, c -> jobs.find(c, key, false));
    }

    /**
     * What jobs submitted from {@code firstDay} to {@code lastDay} (UTC days, both included) cost, per day and source,
     * and what those among them still on their way count.
     */
    public Spending spending(LocalDate firstDay, LocalDate lastDay) {
        return read("reading what jobs cost", c -> {
            List<Spending.DailyCost> days = jobs.costPerDay(c, firstDay, lastDay);
            JobTable.OnItsWay onItsWay = jobs.onItsWay(c, firstDay.atStartOfDay(ZoneOffset.UTC).toInstant());
            return new Spending(days, onItsWay.jobs(), onItsWay.usd());
        });
    }

    /**
     * What every job in the ledger counts, in USD, as the day's spending does: RunPod's cost, or the price of a job in
     * doubt; not the jobs still on their way. Read from the sums per day, not from each job's row.
     */
    public BigDecimal totalCostUsd() {
        return read("reading what all jobs cost", c -> spend.since(c, LocalDate.EPOCH)
                .subtract(jobs.onItsWayEver(c).usd()));
    }

    /**
     * How many jobs are in each phase: every unfinished job (of every instance on the database), and the jobs that
     * were delivered or failed since {@code finishedSince}. A phase without jobs is missing.
     */
    public Map<JobPhase, Long> countPerPhase(Instant finishedSince) {
        return read("counting jobs", c -> jobs.countPerPhase(c, finishedSince));
    }

    /** The latest jobs to end in {@code phase} (delivered or failed), the newest first. */
    public List<StoredJob> newestFinished(JobPhase phase, int max) {
        return read("reading the newest " + phase + " jobs", c -> jobs.newestFinished(c, phase, max));
    }

    /** Hands on, in the order they ended, the jobs delivered or failed from {@code from} until before {@code to}. */
    public void forEachFinished(Instant from, Instant to, Consumer<StoredJob> each) {
        read("reading the jobs finished from " + from + " to " + to, c -> {
            jobs.forEachFinished(c, from, to, each);
            return null;
        });
    }

    /** How many jobs were delivered and how many failed in each minute since {@code since}, minutes without any left out. */
    public List<FinishedMinute> finishedPerMinute(Instant since) {
        return read("counting the jobs finished per minute", c -> jobs.finishedPerMinute(c, since));
    }

    /**
     * Fails, with a {@link LedgerException}, when the ledger cannot be written now (its database is out of reach or
     * read-only); changes nothing.
     */
    public void checkWritable() {
        inTransaction("checking that the ledger can be written", c -> {
            try (Statement statement = c.createStatement()) {
                statement.setQueryTimeout(10);
                // a write that matches no row: a database that takes no writes refuses it all the same
                return statement.executeUpdate("UPDATE ledger_job SET phase = phase WHERE 1 = 0");
            }
        });
    }

    /** The ledger's database, for what shares it, such as the file consumers' {@link FileClaims}. */
    public DataSource dataSource() {
        return pool;
    }

    /**
     * Whether no other process can open this ledger's database (an embedded H2 file holds a lock on it): then nothing
     * that this instance claims can be wanted by another one.
     */
    public boolean onlyThisProcess() {
        return onlyThisProcess;
    }

    /** How many writing transactions this ledger committed since it was opened. */
    public long commits() {
        return commits.sum();
    }

    @Override
    public void close() {
        fileUpkeep.ifPresent(LedgerFileUpkeep::close);
        pool.close();
        LOG.info("The job ledger closed after {} commits", commits.sum());
    }

    /** What the job counts from this state on; the day it was submitted counts the change. */
    private BigDecimal settle(Connection c, JobKey key, JobState state, String owner) throws SQLException {
        Optional<JobTable.Charge> counted = jobs.lockCharge(c, key, owner);
        if (counted.isEmpty() || counted.get().usd() == null || counted.get().submittedAt() == null) {
            return null;
        }
        BigDecimal before = counted.get().usd();
        BigDecimal after = JobCharge.settle(state, before);
        if (after.compareTo(before) != 0) {
            spend.add(c, utcDay(counted.get().submittedAt()), after.subtract(before));
        }
        return after;
    }

    private static LocalDate utcDay(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }

    private Admission admit(Connection c, JobKey key, String fingerprint, JobState state, String owner,
            Duration lease) throws SQLException {
        Instant now = now();
        StoredJob offered = new StoredJob(key, state, fingerprint, owner, now.plus(lease), now,
                JobTable.finished(state) ? now : null);
        Optional<StoredJob> known = jobs.find(c, key, true);
        if (known.isEmpty()) {
            jobs.insert(c, offered);
            return new Admission(Admission.Verdict.NEW, offered);
        }
        Admission.Verdict verdict = Admission.Verdict.on(known.get(), fingerprint, owner, now);
        if (verdict == Admission.Verdict.RERUN) {
            jobs.replace(c, offered);
            StoredJob before = known.get();
            boolean takenOver = before.phase() == JobPhase.RECEIVED && before.owner() != null;
            return new Admission(verdict, offered, takenOver ? before.owner() : null);
        }
        return new Admission(verdict, known.get());
    }

    /** Microseconds: what both databases keep, so that a job read back equals the one written. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private <T> T inTransaction(String doing, Work<T> work) {
        T result = read(doing, work);
        commits.increment();
        return result;
    }

    /** A transaction that writes nothing: not counted among the commits. */
    private <T> T read(String doing, Work<T> work) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.in(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollBack(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new LedgerException(doing, e);
        }
    }

    private static void rollBack(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static boolean isDuplicateKey(LedgerException e) {
        return e.getCause() instanceof SQLException sql && DUPLICATE_KEY.equals(sql.getSQLState());
    }

    @FunctionalInterface
    private interface Work<T> {
        T in(Connection connection) throws SQLException;
    }
}
