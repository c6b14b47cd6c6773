package dev.nanobanana.camel.pipeline;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.EventNotifierSupport;

import dev.nanobanana.camel.job.EditJob;
import dev.nanobanana.camel.job.JobFileFailedException;
import dev.nanobanana.camel.job.JobOutcome;
import dev.nanobanana.camel.job.JobValidator;
import dev.nanobanana.camel.ledger.JobLedger;
import dev.nanobanana.camel.job.JobPhase;
import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.observe.JobQueue;
import dev.nanobanana.camel.observe.JobMetrics;
import dev.nanobanana.camel.observe.ProgressLog;
import dev.nanobanana.camel.observe.ReadinessProbes;
import dev.nanobanana.camel.runpod.AnswerBody;
import dev.nanobanana.camel.runpod.RunpodClient;
import dev.nanobanana.camel.runpod.OutcomeUnknownException;
import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.sink.ErrorRecord;
import dev.nanobanana.camel.sink.ImageSpool;
import dev.nanobanana.camel.sink.RecordFormat;
import dev.nanobanana.camel.sink.ResultRecord;
import dev.nanobanana.camel.job.JobStep;
import dev.nanobanana.camel.settings.KnownSecrets;
import dev.nanobanana.camel.settings.NanoBananaProperties;
import dev.nanobanana.camel.settings.NanoBananaSettings;

/**
 * The pipeline from a job to the sinks, for any CamelContext. Send a job file to {@link #JOB_FILE} or a single job to
 * {@link #JOB}; add {@link NanoBananaErrorHandling} to the same context.
 *
 * <p>A job is paid for, kept, then delivered: it is submitted and polled under the in-flight limit, holding no thread
 * while RunPod works; its image is streamed into the spool the moment it exists; then the image and its record go to
 * the completed sink the job's source named, or the error record to the failed sink.
 */
public class NanoBananaRoutes extends RouteBuilder {

    /**
     * A job file: the body is its content, {@code CamelFileName} (or {@code CamelAwsS3Key}) its name. Its jobs run
     * side by side; the exchange fails with a {@link JobFileFailedException} when any of them did not complete.
     */
    public static final String JOB_FILE = "direct:nanobanana-job-file";
    /** One job: a map, JSON or YAML text, or an {@link EditJob}. Ends in the completed or the failed sink. */
    public static final String JOB = "direct:nanobanana-job";
    public static final String FAILED_SINK = "direct:nanobanana-failed-sink";
    /** The route every job file goes through, whatever its source. */
    public static final String JOB_FILE_ROUTE = "nanobanana-job-file";
    /** The route every job read from a file goes through; with {@link #RESUME_ROUTE}, every job of the runtime. */
    public static final String JOB_ROUTE = "nanobanana-job";
    /** The route of the jobs the ledger hands back: this instance's own after a restart, or one taken over. */
    public static final String RESUME_ROUTE = "nanobanana-resume";

    static final String SUBMIT = "direct:nanobanana-submit";
    static final String POLL = "direct:nanobanana-poll";
    static final String CANCEL = "direct:nanobanana-cancel";
    static final String KEEP = "direct:nanobanana-keep";
    static final String DELIVER = "direct:nanobanana-deliver";
    static final String RUN = "direct:nanobanana-run";
    static final String FINISH = "direct:nanobanana-finish";
    static final String RESUME = "direct:nanobanana-resume";
    /** The ledger's clerk, one per context. */
    public static final String LEDGER_CLERK = "nanobananaLedgerClerk";
    /** The budget's gate before every submit: its state, for a metric or a health check. */
    public static final String BUDGET = "nanobananaBudget";
    /** The limit on jobs in flight, and the jobs waiting for a slot. */
    public static final String JOB_SLOTS = "nanobananaJobSlots";
    /** The claims on job files that keep two instances on one inbox from taking the same file. */
    public static final String FILE_CLAIMS = "nanobananaFileClaims";
    /** The {@link NanoBananaSettings} the pipeline of a context runs with; bound once the pipeline is added. */
    public static final String SETTINGS = "nanobananaSettings";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NanoBananaRoutes.class);

    private final NanoBananaSettings given;
    private final Clock clock = Clock.systemUTC();

    /** Reads its settings from the context's {@code nanobanana.*} properties. */
    public NanoBananaRoutes() {
        this(null);
    }

    public NanoBananaRoutes(NanoBananaSettings settings) {
        this.given = settings;
    }

    @Override
    public void configure() throws Exception {
        NanoBananaSettings.addDefaults(getContext());
        NanoBananaSettings settings = given != null ? given : NanoBananaSettings.from(getContext());
        bindToRegistry(SETTINGS, settings);
        // one set of secrets for everything the pipeline and the pages around it write: records, logs, the status page
        KnownSecrets secrets = KnownSecrets.of(new NanoBananaProperties(getContext()), settings);
        bindToRegistry(KnownSecrets.BOUND_AS, secrets);
        ImageSpool spool = new ImageSpool(Path.of(settings.spoolDir()));
        RunpodClient runpod = new RunpodClient(settings.endpointUrl(), settings.apiKey(), settings.connectTimeout(),
                settings.readTimeout(), spool.dir());
        JobSlots slots = new JobSlots(settings.concurrency());
        bindToRegistry(JOB_SLOTS, slots);
        LedgerClerk clerk = ledgerClerk(settings);
        ScheduledExecutorService waits = getContext().getExecutorServiceManager()
                .newSingleThreadScheduledExecutor(this, "nanobanana-waits");
        BudgetGate budget = new BudgetGate(clerk, settings.prices(), settings.budget(), clock, waits);
        bindToRegistry(BUDGET, budget);
        followTheContext(slots, budget, clerk, runpod);
        JobMetrics metrics = JobMetrics.of(getContext())
                .watch(new JobQueue(slots::inFlight, slots::waitingCount, budget::waitingJobs, slots::limit));
        metrics.gauge("nanobanana.budget.reached", "1 while the budget cap holds jobs back unsent, else 0",
                () -> budget.reached() ? 1 : 0);
        metrics.gauge("nanobanana.budget.waiting.jobs", "Jobs waiting, unsent, for the budget", budget::waitingJobs);
        getContext().addService(new ProgressLog(metrics, settings.progressInterval(), getContext()));
        ReadinessProbes.install(getContext(), settings, runpod, clerk.ledger(), secrets);
        Polling polling = new Polling(settings.pollInitialInterval(), settings.pollMaxInterval(),
                settings.pollMultiplier(), settings.pollDeadline(), clock);
        ErrorRecords errorRecords = new ErrorRecords(clock, secrets);
        ErrorRecordRemoval errorRecordRemoval = new ErrorRecordRemoval(getContext(), clock);
        String completedFolder = "file:" + settings.completedDir() + "?tempPrefix=.writing-";
        String failedFolder = "file:" + settings.failedDir() + "?tempPrefix=.writing-";
        ExecutorService deliveryThreads = deliveryThreads();
        JobImages images = new JobImages(getContext());
        RunpodCall.Calls calls = new RunpodCall.Calls(runpod, spool, slots, clock, settings.submitMode(),
                clerk::note, secrets);

        from(JOB_FILE).routeId(JOB_FILE_ROUTE)
                .onException(JobFileFailedException.class)
                    // each failed job has logged its reason; the file's source decides where the file goes
                    .logExhausted(false)
                    .log(LoggingLevel.WARN, "${exception.message}")
                .end()
                .process(new JobFileReading(settings.maxJobFileBytes()))
                .process(new JobDispatch(getContext(), JOB, slots))
                .process(NanoBananaRoutes::requireAllCompleted);

        // read, checked and admitted by the ledger: nothing is paid before
        from(JOB).routeId(JOB_ROUTE).routeConfigurationId(NanoBananaErrorHandling.ID)
                .process(metrics::received)
                .process(exchange -> defaultSinks(exchange, completedFolder, failedFolder))
                .process(new JobPreparation(new JobValidator(settings.defaultResolution(),
                        settings.defaultOutputFormat()), clock))
                .process(images)
                .process(new JobAdmission(clerk, waits))
                .filter(JobAdmission::mayRun)
                    .to(RUN)
                .end();

        // pay: the job is submitted under the in-flight limit
        from(RUN).routeId("nanobanana-run").routeConfigurationId(NanoBananaErrorHandling.ID)
                .process(slots.acquire())
                .to(SUBMIT)
                .to(FINISH);

        // wait for RunPod, keep the image in the spool, deliver
        from(FINISH).routeId("nanobanana-finish").routeConfigurationId(NanoBananaErrorHandling.ID)
                .process(slots.acquire())
                .loopDoWhile(polling::shouldPoll)
                    .to(POLL)
                .end()
                .filter(polling::pastDeadline)
                    .to(CANCEL)
                .end()
                .process(polling::requireCompleted)
                .to(KEEP)
                .process(slots::release)
                .to(DELIVER);

        // a job this instance must finish after a restart, or take over: from where its state says
        from(RESUME).routeId(RESUME_ROUTE).routeConfigurationId(NanoBananaErrorHandling.ID)
                .process(metrics::received)
                .choice()
                    .when(phase(JobPhase.SUBMITTING))
                        .process(exchange -> inDoubt(exchange, settings))
                        .to(RUN)
                    .when(phase(JobPhase.SUBMITTED))
                        .to(FINISH)
                    .otherwise()
                        .to(KEEP)
                        .to(DELIVER)
                .end();
        clerk.onResume(new Resumption(getContext(), RESUME));

        stepRoute(SUBMIT)
                .process(exchange -> refuseInDryRun(settings))
                .throttle(settings.rateMaxRequests()).timePeriodMillis(settings.ratePeriod().toMillis()).asyncDelayed()
                .process(budget)
                .process(calls.submit(images::forSending));
        stepRoute(POLL)
                .delay().exchange(polling::nextDelay).asyncDelayed()
                .throttle(settings.rateMaxRequests()).timePeriodMillis(settings.ratePeriod().toMillis()).asyncDelayed()
                .process(calls.poll());
        stepRoute(CANCEL)
                .process(calls.cancel());
        stepRoute(KEEP)
                .process(new ImageDownload(runpod, spool, clerk::note));

        stepRoute(DELIVER)
                // sinks may be remote and slow: delivering never holds up the jobs still waiting on RunPod
                .threads().executorService(deliveryThreads)
                .setProperty(JobExchange.STEP, constant(JobStep.STORE))
                .filter(exchange -> !JobExchange.state(exchange).imageStored())
                    .process(this::imageMessage)
                    .toD("${exchangeProperty." + JobExchange.COMPLETED_SINK + "}")
                    .process(exchange -> JobExchange.update(exchange, JobState::withImageStored))
                    .process(metrics::imageWritten)
                .end()
                .process(this::resultRecordMessage)
                .toD("${exchangeProperty." + JobExchange.COMPLETED_SINK + "}")
                .process(exchange -> delivered(exchange, metrics))
                // delivered after all (its sink came back, its paid image was fetched): its error record goes
                .filter(ErrorRecordRemoval::hasErrorRecord)
                    .process(errorRecordRemoval)
                .end()
                .process(clerk::note);

        from(FAILED_SINK).routeId("nanobanana-failed-sink")
                .process(slots::release)
                .threads().executorService(deliveryThreads)
                .process(exchange -> cancelUnfinished(exchange, runpod, settings, secrets))
                .process(exchange -> failed(exchange, errorRecords.of(exchange), metrics))
                .toD("${exchangeProperty." + JobExchange.FAILED_SINK + "}")
                .process(NanoBananaRoutes::errorRecordWritten)
                .process(clerk::recordOrPostpone);
    }

    /**
     * The ledger for this context: one per context, opened once, started once the routes run (it hands them the jobs
     * to resume) and closed with the context.
     */
    private LedgerClerk ledgerClerk(NanoBananaSettings settings) throws Exception {
        LedgerClerk clerk = getContext().getRegistry().lookupByNameAndType(LEDGER_CLERK, LedgerClerk.class);
        if (clerk == null) {
            JobLedger ledger = JobLedger.open(settings.ledgerUrl(), settings.ledgerUser(), settings.ledgerPassword());
            clerk = new LedgerClerk(ledger, settings.instanceId(), settings.ledgerLease(), getContext());
            clerk.fetchPaidImagesAtStart(settings.fetchPaidImages());
            bindToRegistry(LEDGER_CLERK, clerk);
            // bound already where Camel loaded RouteFileBeans; the claims open on this ledger at their first use
            RouteFileBeans.bindFileClaims(getContext());
        }
        return clerk;
    }

    /**
     * The ledger's clerk starts once the routes run, since it hands them the jobs to resume, and closes the ledger
     * once they have stopped; the RunPod client (its threads and body timers) is closed then too. When the runtime
     * stops (SIGTERM, a redeploy), intake stops at once, jobs in flight may finish within
     * {@code camel.main.shutdown-timeout}, and no waiting job is submitted any more: what is left resumes at the next
     * start, from the ledger and the files still in the inbox.
     */
    private void followTheContext(JobSlots slots, BudgetGate budget, LedgerClerk clerk, RunpodClient runpod)
            throws Exception {
        EventNotifierSupport notifier = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStartedEvent) {
                    clerk.start();
                } else if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                    // slots first: a job file whose jobs end unsubmitted once slots are closed stays in the inbox
                    slots.close();
                    budget.close();
                } else if (event instanceof CamelEvent.CamelContextStoppedEvent) {
                    if (getContext().getRegistry().lookupByName(FILE_CLAIMS) instanceof PipelineFileClaims claims) {
                        claims.releaseHeld();
                    }
                    clerk.shutdown();
                    // its threads are its own, not Camel's: they would outlive the context in an application
                    runpod.close();
                }
            }
        };
        notifier.setIgnoreExchangeEvents(true);
        notifier.setIgnoreRouteEvents(true);
        notifier.setIgnoreServiceEvents(true);
        notifier.setIgnoreStepEvents(true);
        getContext().getManagementStrategy().addEventNotifier(notifier);
    }

    /**
     * A dry run prices jobs and sends nothing; the pipeline is not even started then. Should a job reach the submit
     * step all the same, it stops here.
     */
    private static void refuseInDryRun(NanoBananaSettings settings) {
        if (settings.dryRun()) {
            throw new IllegalStateException("nanobanana.dry-run is true: nothing is sent to RunPod");
        }
    }

    private static org.apache.camel.Predicate phase(JobPhase phase) {
        return exchange -> JobExchange.state(exchange).phase() == phase;
    }

    /**
     * A job whose submit may have reached RunPod before a crash: its outcome is unknown, and submitting it again could
     * pay twice. It is recorded as failed, unless the user chose to submit such jobs again.
     */
    private static void inDoubt(Exchange exchange, NanoBananaSettings settings) throws OutcomeUnknownException {
        if (!settings.resubmitInDoubt()) {
            throw new OutcomeUnknownException("outcome unknown after restart: RunPod may have run and charged it. "
                    + "Look for it in your RunPod console; to submit such jobs again automatically, set "
                    + "nanobanana.resubmit-in-doubt=true (or nanobanana.submit-mode=run, which makes them rare)");
        }
    }

    private static void requireAllCompleted(Exchange file) throws JobFileFailedException {
        if (JobExchange.leftForNextStart(file)) {
            LOG.info("{}: left where it is, for the next start", file.getIn().getHeader(Exchange.FILE_NAME));
        } else {
            JobOutcomes.requireAllCompleted(file);
        }
    }

    /**
     * A route that is one step of a job. It has no error handler of its own: the job's error handler retries the
     * whole step, and records the job as failed when the step fails for good.
     */
    private RouteDefinition stepRoute(String endpoint) {
        return from(endpoint).routeId(endpoint.substring("direct:".length())).errorHandler(noErrorHandler());
    }

    private static void defaultSinks(Exchange exchange, String completedFolder, String failedFolder) {
        if (exchange.getProperty(JobExchange.COMPLETED_SINK) == null) {
            exchange.setProperty(JobExchange.COMPLETED_SINK, completedFolder);
        }
        if (exchange.getProperty(JobExchange.FAILED_SINK) == null) {
            exchange.setProperty(JobExchange.FAILED_SINK, failedFolder);
        }
    }

    /**
     * The kept image, named after the job, for the completed sink to write. A folder sink moves it out of the spool
     * rather than copying it (Camel's file producer renames a local work file): a 4K image is megabytes.
     */
    private void imageMessage(Exchange exchange) {
        JobState state = JobExchange.state(exchange);
        EditJob job = state.job();
        File image = state.keptImage().toFile();
        sinkMessage(exchange, job.id() + "." + job.imageExtension(), "image/" + job.imageExtension(), image);
        JobMetrics.imageToWrite(exchange, image.length());
        if (exchange.getProperty(JobExchange.COMPLETED_SINK, String.class).startsWith("file:")) {
            exchange.getIn().setHeader(Exchange.FILE_LOCAL_WORK_PATH, image.getPath());
        }
    }

    private void resultRecordMessage(Exchange exchange) throws Exception {
        JobState state = JobExchange.state(exchange);
        String image = state.job().id() + "." + state.job().imageExtension();
        ResultRecord record = ResultRecord.of(state, image, clock.instant());
        exchange.setProperty(JobExchange.RECORD, record);
        sinkMessage(exchange, state.jobId() + ".json", "application/json", RecordFormat.bytes(record));
    }

    private void delivered(Exchange exchange, JobMetrics metrics) {
        JobState state = JobExchange.state(exchange);
        ImageSpool.discard(state.keptImage());
        exchange.setProperty(JobExchange.STATE, state.delivered());
        String id = state.jobId();
        String image = id + "." + state.job().imageExtension();
        RunpodResult result = state.result();
        exchange.setProperty(JobExchange.OUTCOME, JobOutcome.completed(id, image, id + ".json"));
        metrics.completed(exchange, state);
        log.info("Job {} completed: {} (RunPod job {}, cost {} USD)", id, image, result.id(),
                result.cost().map(Object::toString).orElse("unknown"));
    }

    /**
     * A job given up on while RunPod still has it queued or running (its polls failed for good) is cancelled, so that
     * it is not run and charged for nothing. Best effort: the record is written whatever the cancel does.
     */
    private void cancelUnfinished(Exchange exchange, RunpodClient runpod, NanoBananaSettings settings,
            KnownSecrets secrets) {
        JobState state = JobExchange.state(exchange);
        RunpodResult result = state == null ? null : state.result();
        if (result == null || result.isTerminal()) {
            return;
        }
        try {
            HttpResponse<AnswerBody> response = runpod.call("POST", "/cancel/" + result.id(), null)
                    .get(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
            try (AnswerBody body = response.body()) {
                if (response.statusCode() / 100 != 2) {
                    throw new IOException("HTTP " + response.statusCode() + ": " + secrets.mask(body.excerpt(200)));
                }
                exchange.setProperty(JobExchange.CANCELLED, Boolean.TRUE);
                log.info("Job {}: RunPod job {} cancelled, as the job is given up on", state.jobId(), result.id());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("Job {}: RunPod job {} could not be cancelled ({}): it may still run and be charged",
                    state.jobId(), result.id(), e.getMessage());
        }
    }

    private void failed(Exchange exchange, ErrorRecord record, JobMetrics metrics) throws Exception {
        String id = record.jobId() != null ? record.jobId() : "job-" + exchange.getExchangeId();
        String file = id + ".error.json";
        exchange.setProperty(JobExchange.RECORD, record);
        sinkMessage(exchange, file, "application/json", RecordFormat.bytes(record));
        JobState state = JobExchange.state(exchange);
        JobFailure failure = JobFailure.of(exchange);
        if (state != null && !state.paidAndKept()) {
            state = state.failed(failure.leavesOutcomeUnknown());
            exchange.setProperty(JobExchange.STATE, state);
        }
        exchange.setProperty(JobExchange.OUTCOME, JobOutcome.failed(id, record.reason(), file));
        metrics.failed(exchange, state, failure.tag(record.runpodStatus()));
        log.warn("Job {} failed: {}", id, record.reason());
    }

    /** Kept in the job's state, so that the record is taken back should the job be delivered after all. */
    private static void errorRecordWritten(Exchange exchange) {
        if (JobExchange.state(exchange) != null) {
            JobExchange.update(exchange, JobState::withErrorRecord);
        }
    }

    /**
     * The message a sink writes: a body and its file name. Sinks get no other headers (only the error handler keeps
     * its own), so that a source's own (say an S3 key) can never redirect where a result goes.
     */
    private static void sinkMessage(Exchange exchange, String fileName, String contentType, Object body) {
        exchange.getIn().removeHeaders("*", "CamelRedeliver*");
        exchange.getIn().setHeader(Exchange.FILE_NAME, fileName);
        exchange.getIn().setHeader(Exchange.CONTENT_TYPE, contentType);
        exchange.getIn().setBody(body);
    }

    private ExecutorService deliveryThreads() {
        ThreadPoolProfile profile = new ThreadPoolProfile("nanobanana-delivery");
        profile.setPoolSize(4);
        profile.setMaxPoolSize(4);
        // deliveries wait in the queue; a full queue would hand one back to the thread that offered it
        profile.setMaxQueueSize(100_000);
        return getContext().getExecutorServiceManager().newThreadPool(this, "nanobanana-delivery", profile);
    }
}
