package dev.nanobanana.camel.pipeline;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.ledger.Admission;
import dev.nanobanana.camel.ledger.Fingerprint;
import dev.nanobanana.camel.ledger.JobLedger;
import dev.nanobanana.camel.ledger.Reservation;
import dev.nanobanana.camel.ledger.StoredJob;


/**
 * What the routes do with the {@link JobLedger}: admit a job before anything is paid, write each change of its state,
 * keep the leases of this instance's jobs alive, and hand on the jobs this instance must finish: its own after a
 * restart, and those of an instance whose lease ran out. One per runtime; this instance is its {@code owner}.
 */
public final class LedgerClerk extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerClerk.class);
    private static final int TAKE_OVER_AT_ONCE = 100;
    private static final Duration RUNPOD_KEEPS_IMAGES = Duration.ofDays(7);
    private static final int PRUNE_AT_ONCE = 500;
    private static final long PRUNE_EVERY_MINUTES = 10;

    private final JobLedger ledger;
    private final String owner;
    private final Duration lease;
    private final CamelContext context;
    // made before the routes start: every job this run of the instance receives is received after it
    private final Instant created = Instant.now();
    private Consumer<StoredJob> resume;
    private ScheduledExecutorService timer;
    private boolean fetchPaidImages;
    private Duration keepFor;
    private ScheduledExecutorService sweeper;
    // the sweeps of this run look at the jobs finished since the one before; the first, at all
    private Instant sweptUntil = Instant.EPOCH;

    public LedgerClerk(JobLedger ledger, String owner, Duration lease, CamelContext context) {
        this.ledger = ledger;
        this.owner = owner;
        this.lease = lease;
        this.context = context;
    }

    public JobLedger ledger() {
        return ledger;
    }

    public String owner() {
        return owner;
    }

    /**
     * Whether to fetch, at start, the images of the last 7 days (as long as RunPod keeps them) that were paid for and
     * whose download failed for good; they are delivered without being submitted again.
     */
    public void fetchPaidImagesAtStart(boolean fetch) {
        this.fetchPaidImages = fetch;
    }

    /**
     * How long a finished job keeps its request in the ledger; after that, a sweep every 10 minutes leaves it only what
     * refusing to pay for it again needs (see {@link JobLedger#prune}). {@code null}: for ever.
     */
    public void keepFinishedFor(Duration keepFor) {
        this.keepFor = keepFor;
    }

    /** What to do with a job this instance must finish (its state says from where). */
    public void onResume(Consumer<StoredJob> resume) {
        this.resume = resume;
    }

    /**
     * Offers a job to the ledger: the verdict says whether it may be submitted now; if it may, the job is in the
     * ledger from now on ({@link JobState#inLedger}).
     */
    public Admission admit(JobState state) {
        return ledger.admit(state.key(), Fingerprint.of(state.request()), state, owner, lease);
    }

    /**
     * Takes over a job that this one waits for, if the instance that received it stopped renewing its lease before it
     * submitted the job; then the job may be submitted from here. See {@link JobLedger#takeOverUnsent}.
     *
     * @return the job as it was before: who had received it
     */
    public Optional<StoredJob> takeOverUnsent(JobState state) {
        return ledger.takeOverUnsent(state.key(), Fingerprint.of(state.request()), state, owner, lease);
    }

    /**
     * Counts the job against the budget and records it as {@code submitting}, if its price fits under the cap; see
     * {@link JobLedger#reserve}.
     */
    public Reservation reserve(JobState submitting, BigDecimal price, LocalDate firstDay, Optional<BigDecimal> maxUsd) {
        if (!submitting.admitted()) {
            throw new IllegalStateException("job " + submitting.jobId() + " is not in the job ledger, so it is not "
                                            + "submitted");
        }
        return ledger.reserve(submitting.key(), submitting, owner, price, firstDay, maxUsd);
    }

    /**
     * Writes the job's state as it is now, if the job is in the ledger; a failure to write says so and lets the job
     * go on. For what happened already (RunPod answered, the image is kept or delivered): failing the step then would
     * only do it again, and submitting again could pay twice. What must be written before the step is done (a submit
     * about to leave) is {@link #record}ed.
     */
    public void note(JobState state) {
        try {
            record(state);
        } catch (RuntimeException e) {
            LOG.warn("Job {}: the job ledger could not be written ({}); the job goes on, and the ledger catches up at "
                     + "its next step", state == null ? null : state.jobId(), e.getMessage());
        }
    }

    /** Writes the job's state as it is now, if the job is in the ledger. */
    public void record(JobState state) {
        if (state != null && state.admitted()) {
            ledger.save(state.key(), state, owner);
        }
    }

    /**
     * Writes the job's state, as {@link #record} does; a job whose image is paid for and kept, but could not be
     * delivered now, is let go instead, so that it is taken up again (here or by another instance) and delivered once
     * its sink takes it, never paid again.
     */
    public void recordOrPostpone(JobState state) {
        note(state);
        if (state != null && state.admitted() && state.paidAndKept()) {
            ledger.release(state.key(), owner);
        }
    }

    @Override
    protected void doStart() {
        int unsent = ledger.releaseUnsent(owner, created);
        if (unsent > 0) {
            LOG.info("Letting go of {} job(s) this instance had received and not submitted when it stopped: each is "
                     + "submitted once its file is read again, here or by another instance", unsent);
        }
        List<StoredJob> own = ledger.reclaimOwn(owner, lease);
        if (!own.isEmpty()) {
            LOG.info("Resuming {} job(s) this instance had in hand when it stopped: none is submitted again", own.size());
        }
        own.forEach(this::resume);
        if (fetchPaidImages) {
            List<StoredJob> paid = ledger.reopenPaidImages(owner, lease, Instant.now().minus(RUNPOD_KEEPS_IMAGES));
            LOG.info("Fetching {} paid image(s) whose download had failed: none is submitted again", paid.size());
            paid.forEach(this::resume);
        }
        timer = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "nanobanana-ledger");
        long every = Math.max(1000, lease.toMillis() / 3);
        timer.scheduleWithFixedDelay(this::keepLeasesAndTakeOver, every, every, TimeUnit.MILLISECONDS);
        if (keepFor != null) {
            // a thread of its own: a long first sweep (an old ledger) never holds up the renewal of leases
            sweeper = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this,
                    "nanobanana-ledger-sweep");
            sweeper.scheduleWithFixedDelay(this::pruneFinished, 1, PRUNE_EVERY_MINUTES, TimeUnit.MINUTES);
        }
    }

    /** Lets go of the requests of the jobs that finished longer than keep-for ago; answers how many. */
    int pruneFinished() {
        Instant before = Instant.now().minus(keepFor);
        int pruned = 0;
        try {
            int batch;
            do {
                batch = ledger.prune(sweptUntil, before, PRUNE_AT_ONCE);
                pruned += batch;
            } while (batch == PRUNE_AT_ONCE);
            sweptUntil = before;
            if (pruned > 0) {
                LOG.info("The job ledger let go of the requests of {} job(s) finished more than {} ago; each still "
                         + "answers a file dropped again, unpaid", pruned, keepFor);
            }
        } catch (RuntimeException e) {
            LOG.warn("The job ledger could not be swept of old requests ({}); it tries again in {} minutes",
                    e.getMessage(), PRUNE_EVERY_MINUTES);
        }
        return pruned;
    }

    private void keepLeasesAndTakeOver() {
        try {
            ledger.renew(owner, lease);
            List<StoredJob> abandoned = ledger.claimAbandoned(owner, lease, TAKE_OVER_AT_ONCE);
            if (!abandoned.isEmpty()) {
                LOG.warn("Taking over {} job(s) whose instance stopped renewing its lease: none is submitted again",
                        abandoned.size());
            }
            abandoned.forEach(this::resume);
        } catch (RuntimeException e) {
            LOG.warn("The job ledger could not be reached to keep leases: {}", e.getMessage());
        }
    }

    private void resume(StoredJob job) {
        if (resume != null) {
            resume.accept(job);
        }
    }

    @Override
    protected void doStop() {
        if (timer != null) {
            context.getExecutorServiceManager().shutdownNow(timer);
        }
        if (sweeper != null) {
            context.getExecutorServiceManager().shutdownNow(sweeper);
        }
        letGoOfUnsent();
    }

    /**
     * The routes stopped before this service: the jobs this instance admitted and did not send (they waited for a slot
     * or the budget) cost nothing, and their files are still in a source. Let go of, they are the next reader's to send
     * at once, rather than once their lease ran out. A job that a step still holds past the shutdown timeout can no
     * longer be recorded as submitting by this instance, so it is never sent twice.
     */
    private void letGoOfUnsent() {
        try {
            int unsent = ledger.releaseUnsent(owner, Instant.now());
            if (unsent > 0) {
                LOG.info("Let go of {} job(s) this instance received and did not submit: each is submitted once its "
                         + "file is read again, here or by another instance", unsent);
            }
        } catch (RuntimeException e) {
            LOG.warn("The job ledger could not be reached to let go of the jobs this instance did not submit ({}): "
                     + "another instance sends them once their lease ({}) runs out", e.getMessage(), lease);
        }
    }

    @Override
    protected void doShutdown() {
        ledger.close();
    }
}
