package dev.nanobanana.camel.pipeline;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nanobanana.camel.egress.Egress;
import dev.nanobanana.camel.egress.SftpEgress;
import dev.nanobanana.camel.ledger.JobLedger;
import dev.nanobanana.camel.observe.JobMetrics;
import dev.nanobanana.camel.observe.JobQueue;
import dev.nanobanana.camel.observe.ProgressLog;
import dev.nanobanana.camel.observe.ReadinessProbes;
import dev.nanobanana.camel.runpod.RunpodClient;
import dev.nanobanana.camel.settings.KnownSecrets;
import dev.nanobanana.camel.settings.NanoBananaSettings;
import dev.nanobanana.camel.sink.ImageSpool;

/**
 * Every part the pipeline of a context is made of, made once and bound in the context's registry under the names
 * below, so that a route file, a kamelet or an application finds them: the settings and the secrets they hold, the
 * RunPod client, the job ledger's clerk and the file claims kept in it, the limit on jobs in flight, the budget's gate
 * and the meters. They follow the context: the clerk starts once the routes run (it hands them the jobs to resume), and
 * everything closes with it.
 */
public final class PipelineBeans {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineBeans.class);

    /** This object: every part below. */
    public static final String BOUND_AS = "nanobananaPipeline";
    /** The {@link LedgerClerk}. */
    public static final String LEDGER_CLERK = "nanobananaLedgerClerk";
    /** The {@link BudgetGate} before every submit: its state, for a metric or a health check. */
    public static final String BUDGET = "nanobananaBudget";
    /** The {@link JobSlots}: the limit on jobs in flight, and the jobs waiting for a slot. */
    public static final String JOB_SLOTS = "nanobananaJobSlots";
    /**
     * The claims on job files that keep two instances on one inbox from taking the same file, kept in the ledger
     * ({@link PipelineFileClaims}); route files name it as {@code #nanobananaFileClaims}.
     */
    public static final String FILE_CLAIMS = "nanobananaFileClaims";

    private final CamelContext context;
    private final NanoBananaSettings settings;
    private final Clock clock = Clock.systemUTC();
    private final KnownSecrets secrets;
    private final ImageSpool spool;
    private final RunpodClient runpod;
    private final JobSlots slots;
    private final LedgerClerk clerk;
    private final ScheduledExecutorService waits;
    private final BudgetGate budget;
    private final JobMetrics metrics;
    private final ExecutorService deliveryThreads;

    private PipelineBeans(CamelContext context, NanoBananaSettings settings) {
        this.context = context;
        this.settings = settings;
        // one set of secrets for everything the pipeline and the pages around it write: records, logs, the status page
        secrets = KnownSecrets.of(settings);
        spool = new ImageSpool(Path.of(settings.spoolDir()));
        Egress egress = Egress.of(settings.egress(), context);
        LoggerFactory.getLogger(Egress.class).info(egress.proxy().describe());
        if (!egress.tls().isEmpty()) {
            LoggerFactory.getLogger(Egress.class).info(egress.tls());
        }
        SftpEgress.install(context, egress);
        runpod = new RunpodClient(settings.endpointUrl(), settings.apiKey(), settings.connectTimeout(),
                settings.readTimeout(), spool.dir(), egress);
        slots = new JobSlots(settings.concurrency());
        JobLedger ledger = JobLedger.open(settings.ledgerUrl(), settings.ledgerUser(), settings.ledgerPassword());
        clerk = new LedgerClerk(ledger, settings.instanceId(), settings.ledgerLease(), context);
        clerk.fetchPaidImagesAtStart(settings.fetchPaidImages());
        clerk.keepFinishedFor(settings.ledgerKeepFor());
        waits = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "nanobanana-waits");
        budget = new BudgetGate(clerk, settings.prices(), settings.budget(), clock, waits);
        metrics = JobMetrics.of(context)
                .watch(new JobQueue(slots::inFlight, slots::waitingCount, budget::waitingJobs, slots::limit));
        metrics.gauge("nanobanana.budget.reached", "1 while the budget cap holds jobs back unsent, else 0",
                () -> budget.reached() ? 1 : 0);
        metrics.gauge("nanobanana.budget.waiting.jobs", "Jobs waiting, unsent, for the budget", budget::waitingJobs);
        deliveryThreads = deliveryThreads(context);
    }

    /**
     * The context's pipeline parts, made and bound the first time: with {@code given} settings, or the context's own
     * ({@link NanoBananaSettings#of}).
     */
    public static synchronized PipelineBeans of(CamelContext context, NanoBananaSettings given) throws Exception {
        PipelineBeans bound = context.getRegistry().lookupByNameAndType(BOUND_AS, PipelineBeans.class);
        if (bound != null) {
            return bound;
        }
        NanoBananaSettings.addDefaults(context);
        NanoBananaSettings settings = given != null ? NanoBananaSettings.bind(context, given)
                : NanoBananaSettings.of(context);
        PipelineBeans beans = new PipelineBeans(context, settings);
        beans.bind();
        beans.followTheContext();
        return beans;
    }

    /** The context's pipeline parts, once the pipeline is added; else null. */
    public static PipelineBeans in(CamelContext context) {
        return context.getRegistry().lookupByNameAndType(BOUND_AS, PipelineBeans.class);
    }

    private void bind() throws Exception {
        context.getRegistry().bind(BOUND_AS, this);
        context.getRegistry().bind(KnownSecrets.BOUND_AS, secrets);
        context.getRegistry().bind(LEDGER_CLERK, clerk);
        context.getRegistry().bind(BUDGET, budget);
        context.getRegistry().bind(JOB_SLOTS, slots);
        // bound already where Camel loaded RouteFileBeans; the claims open on this ledger at their first use
        RouteFileBeans.bindFileClaims(context);
        context.addService(new ProgressLog(metrics, settings.progressInterval(), context));
        JobLogFields.install(context);
        ReadinessProbes.install(context, settings, runpod, clerk.ledger(), secrets);
        JobTracing.install(context);
    }

    /**
     * When the runtime stops (SIGTERM, a redeploy), intake stops at once, jobs in flight may finish within
     * {@code camel.main.shutdown-timeout}, and no waiting job is submitted any more: what is left resumes at the next
     * start, from the ledger and the files still in the inbox. The RunPod client's threads are its own, not Camel's:
     * they would outlive the context in an application.
     */
    private void followTheContext() throws Exception {
        EventNotifierSupport notifier = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStartedEvent) {
                    clerk.start();
                    removeAbandonedDownloads();
                } else if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                    // slots first: a job file whose jobs end unsubmitted once slots are closed stays in the inbox
                    slots.close();
                    budget.close();
                } else if (event instanceof CamelEvent.CamelContextStoppedEvent) {
                    if (context.getRegistry().lookupByName(FILE_CLAIMS) instanceof PipelineFileClaims claims) {
                        claims.releaseHeld();
                    }
                    clerk.shutdown();
                    runpod.close();
                }
            }
        };
        notifier.setIgnoreExchangeEvents(true);
        notifier.setIgnoreRouteEvents(true);
        notifier.setIgnoreServiceEvents(true);
        notifier.setIgnoreStepEvents(true);
        context.getManagementStrategy().addEventNotifier(notifier);
    }

    /**
     * Partial downloads a process left in the spool when it ended mid-download go once nothing has written to them for
     * twice the read timeout (a download in progress pauses at most that long): looked for at the start, and as often
     * again, since those of the process just before are young at the start.
     */
    private void removeAbandonedDownloads() {
        Duration idle = settings.readTimeout().multipliedBy(2);
        waits.scheduleWithFixedDelay(() -> {
            int removed = spool.removeAbandoned(idle);
            if (removed > 0) {
                LOG.info("Removed {} partial image download(s) from {}, left by a run that ended in the middle of "
                         + "them; their jobs fetch their images again", removed, spool.dir());
            }
        }, 0, idle.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sinks may be remote and slow: deliveries wait in a queue for a few threads of their own. */
    private ExecutorService deliveryThreads(CamelContext context) {
        ThreadPoolProfile profile = new ThreadPoolProfile("nanobanana-delivery");
        profile.setPoolSize(4);
        profile.setMaxPoolSize(4);
        // a full queue would hand a delivery back to the thread that offered it
        profile.setMaxQueueSize(100_000);
        return context.getExecutorServiceManager().newThreadPool(this, "nanobanana-delivery", profile);
    }

    /** How long a dead instance's claim on a job file ages before another instance takes the file. */
    Duration fileClaimMaxAge() {
        return settings.fileClaimMaxAge();
    }

    public CamelContext context() {
        return context;
    }

    public NanoBananaSettings settings() {
        return settings;
    }

    public Clock clock() {
        return clock;
    }

    public KnownSecrets secrets() {
        return secrets;
    }

    public ImageSpool spool() {
        return spool;
    }

    public RunpodClient runpod() {
        return runpod;
    }

    public JobSlots slots() {
        return slots;
    }

    public LedgerClerk clerk() {
        return clerk;
    }

    public BudgetGate budget() {
        return budget;
    }

    public JobMetrics metrics() {
        return metrics;
    }

    ScheduledExecutorService waits() {
        return waits;
    }

    ExecutorService deliveryThreads() {
        return deliveryThreads;
    }
}
