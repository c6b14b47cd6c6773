package dev.nanobanana.camel.pipeline;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.nanobanana.camel.job.JobKey;
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

    private final JobLedger ledger;
    private final String owner;
    private final Duration lease;
    private final CamelContext context;
    // made before the routes start: every job this run of the instance receives is received after it
    private final Instant created = Instant.now();
    private Consumer<StoredJob> resume;
    private ScheduledExecutorService timer;
    private boolean fetchPaidImages;

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

    /** What to do with a job this instance must finish (its state says from where). */
    public void onResume(Consumer<StoredJob> resume) {
        this.resume = resume;
    }

    /** Offers the exchange's job to the ledger: the verdict says whether it may be submitted now. */
    public Admission admit(Exchange exchange) {
        JobState state = JobExchange.state(exchange);
        JobKey key = key(exchange, state);
        Admission admission = ledger.admit(key, Fingerprint.of(state.request()), state, route(exchange), owner, lease);
        if (admission.mayRun()) {
            exchange.setProperty(JobExchange.JOB_KEY, key);
        }
        return admission;
    }

    /**
     * Takes over the exchange's job, which it waits for, if the instance that received it stopped renewing its lease
     * before it submitted the job; then the job may be submitted from here. See {@link JobLedger#takeOverUnsent}.
     *
     * @return the job as it was before: who had received it
     */
    public Optional<StoredJob> takeOverUnsent(Exchange exchange) {
        JobState state = JobExchange.state(exchange);
        JobKey key = key(exchange, state);
        Optional<StoredJob> taken = ledger.takeOverUnsent(key, Fingerprint.of(state.request()), state, route(exchange),
                owner, lease);
        if (taken.isPresent()) {
            exchange.setProperty(JobExchange.JOB_KEY, key);
        }
        return taken;
    }

    /**
     * Counts the job against the budget and records it as {@code submitting}, if its price fits under the cap; see
     * {@link JobLedger#reserve}.
     */
    public Reservation reserve(Exchange exchange, JobState submitting, BigDecimal price, LocalDate firstDay,
            Optional<BigDecimal> maxUsd) {
        JobKey key = exchange.getProperty(JobExchange.JOB_KEY, JobKey.class);
        if (key == null) {
            throw new IllegalStateException("job " + submitting.jobId() + " is not in the job ledger, so it is not "
                                            + "submitted");
        }
        return ledger.reserve(key, submitting, owner, price, firstDay, maxUsd);
    }

    /**
     * Writes the job's state as it is now, if the job is in the ledger; a failure to write says so and lets the job
     * go on. For what happened already (RunPod answered, the image is kept or delivered): failing the step then would
     * only do it again, and submitting again could pay twice. What must be written before the step is done (a submit
     * about to leave) is {@link #record}ed.
     */
    public void note(Exchange exchange) {
        try {
            record(exchange);
        } catch (RuntimeException e) {
            LOG.warn("Job {}: the job ledger could not be written ({}); the job goes on, and the ledger catches up at "
                     + "its next step", exchange.getProperty(JobExchange.JOB_ID), e.getMessage());
        }
    }

    /** Writes the job's state as it is now, if the job is in the ledger. */
    public void record(Exchange exchange) {
        JobKey key = exchange.getProperty(JobExchange.JOB_KEY, JobKey.class);
        JobState state = JobExchange.state(exchange);
        if (key != null && state != null) {
            ledger.save(key, state, owner);
        }
    }

    /**
     * Writes the job's state, as {@link #record} does; a job whose image is paid for and kept, but could not be
     * delivered now, is let go instead, so that it is taken up again (here or by another instance) and delivered once
     * its sink takes it, never paid again.
     */
    public void recordOrPostpone(Exchange exchange) {
        note(exchange);
        JobKey key = exchange.getProperty(JobExchange.JOB_KEY, JobKey.class);
        JobState state = JobExchange.state(exchange);
        if (key != null && state != null && state.paidAndKept()) {
            ledger.release(key, owner);
        }
    }

    private static JobKey key(Exchange exchange, JobState state) {
        return new JobKey(exchange.getProperty(JobExchange.SOURCE, "direct", String.class), state.jobId());
    }

    /** What finishing a job needs after a restart: where its results go, and where its images were read from. */
    private static Map<String, String> route(Exchange exchange) {
        Map<String, String> route = new LinkedHashMap<>();
        for (String name : List.of(JobExchange.COMPLETED_SINK, JobExchange.FAILED_SINK, JobExchange.LOCAL_FOLDER)) {
            String value = exchange.getProperty(name, String.class);
            if (value != null) {
                route.put(name, value);
            }
        }
        return route;
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
    }

    @Override
    protected void doShutdown() {
        ledger.close();
    }
}
