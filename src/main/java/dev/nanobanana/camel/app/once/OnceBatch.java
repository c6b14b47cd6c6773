package dev.nanobanana.camel.app.once;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.main.MainSupport;
import org.apache.camel.spi.RoutePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nanobanana.camel.pipeline.JobSlots;
import dev.nanobanana.camel.settings.KnownSecrets;
import dev.nanobanana.camel.pipeline.NanoBananaRoutes;
import dev.nanobanana.camel.pipeline.PipelineBeans;
import dev.nanobanana.camel.settings.NanoBananaSettings;
import dev.nanobanana.camel.app.once.BatchSummary.BudgetStop;
import dev.nanobanana.camel.app.once.BatchSummary.SourceTrouble;
import dev.nanobanana.camel.pipeline.BudgetGate;
import dev.nanobanana.camel.pipeline.LedgerClerk;
import dev.nanobanana.camel.sink.SinkPlaces;
import dev.nanobanana.camel.status.ContactSheet;

/**
 * The runtime as one batch ({@code --once}): the usual routes, sources and ledger, started as usual; it works off the
 * job files its sources hold and the jobs the ledger resumes, then stops the runtime the graceful way.
 *
 * <p>The batch is over when (1) every source (every route that polls for files: the folder inbox, SFTP, S3) has had a
 * poll that took no job file that was there when the batch started, or whose poll failed; then intake closes and no
 * source polls again; and (2) no poll is under way and no exchange is in flight: every job taken, resumed, waiting for
 * a slot, on its way at RunPod or being delivered has reached a sink. A file that cannot be taken (not settled, claimed
 * by another instance) does not hold a poll up, so it is not waited on; files that arrive while the batch runs are
 * taken if a poll finds them before intake closes, and never keep it open.
 *
 * <p>The budget cap ends a batch too, once every job left waits behind it and nothing in the batch can free it (no job
 * of the period on its way): those jobs are not sent, their files stay in the inbox, and a later run (a new period, a
 * higher cap) runs them.
 */
public final class OnceBatch extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(OnceBatch.class);
    private static final long LOOK_EVERY_MILLIS = 200;
    private static final long TICK_EVERY_MILLIS = 1000;

    private final BatchProgress progress;
    private final Instant started;
    private final Clock clock;
    private CamelContext context;
    private SourcePolls sources;
    private BatchJobs batchJobs;
    private ScheduledExecutorService timer;
    private boolean intakeClosed;
    private long lastTick;
    private volatile Instant overAt;
    private volatile BudgetStop budgetStop;
    private volatile Path contactSheet;

    /**
     * @param progress where the progress is shown
     * @param started when the runtime was started: files changed later do not keep the batch open
     */
    public OnceBatch(BatchProgress progress, Instant started, Clock clock) {
        this.progress = progress;
        this.started = started;
        this.clock = clock;
    }

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        context = main.getCamelContext();
        sources = new SourcePolls(started);
        batchJobs = new BatchJobs(new SinkPlaces(context), progress, started, clock);
        RoutePolicy intake = sources.intake();
        context.addLifecycleStrategy(sources);
        context.addRoutePolicyFactory((camelContext, routeId, route) -> switch (routeId) {
            case NanoBananaRoutes.JOB_FILE_ROUTE -> intake;
            case NanoBananaRoutes.JOB_ROUTE, NanoBananaRoutes.RESUME_ROUTE -> batchJobs;
            default -> null;
        });
    }

    @Override
    public void afterStart(BaseMainSupport main) {
        Runnable stop = ((MainSupport) main).getCompleteTask();
        timer = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "nanobanana-once");
        timer.scheduleWithFixedDelay(() -> look(stop), LOOK_EVERY_MILLIS, LOOK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void beforeStop(BaseMainSupport main) {
        if (timer != null) {
            context.getExecutorServiceManager().shutdownNow(timer);
        }
    }

    /** What the batch did; once the runtime has stopped, the whole of it. */
    public BatchSummary summary() {
        Instant end = overAt != null ? overAt : clock.instant();
        KnownSecrets secrets = KnownSecrets.in(context);
        // a source's trouble is what its client said (an S3 or SFTP server's words)
        return new BatchSummary(started, Duration.between(started, end), sources.places(), batchJobs.completed(),
                batchJobs.failed(), batchJobs.unfinished(), sources.troubles().stream()
                        .map(trouble -> new SourceTrouble(trouble.source(), secrets.mask(trouble.reason()))).toList(),
                overAt == null, budgetStop);
    }

    /** The batch's {@code report.html}, once it is over and had jobs. */
    public Optional<Path> contactSheet() {
        return Optional.ofNullable(contactSheet);
    }

    /** The progress display, to end its line before the summary is printed. */
    public BatchProgress progress() {
        return progress;
    }

    private void look(Runnable stop) {
        try {
            if (overAt != null) {
                return;
            }
            if (!intakeClosed && sources.drained()) {
                sources.close();
                intakeClosed = true;
                LOG.info("Every source has been read: no more job files are taken; {} job(s) to finish",
                        batchJobs.unfinished());
            }
            if (intakeClosed && !sources.polling() && context.getInflightRepository().size() == 0) {
                overAt = clock.instant();
                contactSheet = writeContactSheet();
                LOG.info("The batch is over: stopping");
                stop.run();
                return;
            }
            BudgetStop heldBack = heldBackByTheBudget();
            if (heldBack != null) {
                budgetStop = heldBack;
                overAt = clock.instant();
                contactSheet = writeContactSheet();
                LOG.warn("The batch is over: the budget holds back the {} job(s) left, and nothing in this run can free "
                         + "it; they are not sent, and their files stay in the inbox. Stopping",
                        heldBack.jobsWaiting());
                stop.run();
                return;
            }
            long now = clock.millis();
            if (now - lastTick >= TICK_EVERY_MILLIS) {
                lastTick = now;
                progress.tick(batchJobs.counts());
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not tell whether the batch is over: {}", e.getMessage());
        }
    }

    /**
     * Why the budget ends the batch, or null while it does not: intake is over (or waits for room in the queue), every
     * job not ended waits to be submitted, behind the budget, and the budget lets none of them go on before the next
     * period (no job of the period is on its way, whose cost could come in lower than its price).
     */
    private BudgetStop heldBackByTheBudget() {
        PipelineBeans pipeline = PipelineBeans.in(context);
        if (pipeline == null || !pipeline.budget().reached()) {
            return null;
        }
        BudgetGate budget = pipeline.budget();
        JobSlots slots = pipeline.slots();
        boolean intakeWaits = !intakeClosed && slots.intakeHeldBack();
        if (!intakeClosed && !intakeWaits) {
            return null;
        }
        int waiting = budget.waitingJobs() + slots.waitingCount();
        if (batchJobs.unfinished() != waiting || !budget.holdsJobsForThePeriod()) {
            return null;
        }
        return new BudgetStop(budget.periodSpend().countedUsd(), budget.cap(), waiting, intakeWaits);
    }

    /** A contact sheet of the jobs that ended in this batch, beside the completed folder; none for an empty batch. */
    private Path writeContactSheet() {
        if (batchJobs.completed().isEmpty() && batchJobs.failed().isEmpty()) {
            return null;
        }
        PipelineBeans pipeline = PipelineBeans.in(context);
        if (pipeline == null) {
            return null;
        }
        try {
            return new ContactSheet(pipeline.clerk().ledger(), pipeline.secrets())
                    .write(Path.of(pipeline.settings().completedDir()), started);
        } catch (RuntimeException e) {
            LOG.warn("Could not write the batch's contact sheet: {}", e.getMessage());
            return null;
        }
    }
}
