package dev.nanobanana.camel.pipeline;

import java.time.Clock;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;

import dev.nanobanana.camel.job.EditJob;
import dev.nanobanana.camel.job.JobFileFailedException;
import dev.nanobanana.camel.job.JobPhase;
import dev.nanobanana.camel.job.JobStep;
import dev.nanobanana.camel.job.JobValidator;
import dev.nanobanana.camel.observe.JobMetrics;
import dev.nanobanana.camel.runpod.OutcomeUnknownException;
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

    static final String ADMIT = "direct:nanobanana-admit";
    static final String SUBMIT = "direct:nanobanana-submit";
    static final String POLL = "direct:nanobanana-poll";
    static final String CANCEL = "direct:nanobanana-cancel";
    static final String KEEP = "direct:nanobanana-keep";
    static final String DELIVER = "direct:nanobanana-deliver";
    static final String RUN = "direct:nanobanana-run";
    static final String FINISH = "direct:nanobanana-finish";
    static final String RESUME = "direct:nanobanana-resume";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NanoBananaRoutes.class);

    private final NanoBananaSettings given;

    /** Reads its settings from the context's {@code nanobanana.*} properties. */
    public NanoBananaRoutes() {
        this(null);
    }

    public NanoBananaRoutes(NanoBananaSettings settings) {
        this.given = settings;
    }

    @Override
    public void configure() throws Exception {
        PipelineBeans beans = PipelineBeans.of(getContext(), given);
        NanoBananaSettings settings = beans.settings();
        JobSlots slots = beans.slots();
        LedgerClerk clerk = beans.clerk();
        JobMetrics metrics = beans.metrics();
        Clock clock = beans.clock();
        Polling polling = new Polling(settings.pollInitialInterval(), settings.pollMaxInterval(),
                settings.pollMultiplier(), settings.pollDeadline(), clock);
        Delivery delivery = new Delivery(clock, metrics, new ErrorRecords(clock, beans.secrets()));
        JobImages images = new JobImages(getContext());
        RunpodCall.Calls calls = new RunpodCall.Calls(beans.runpod(), beans.spool(), slots, clock,
                settings.submitMode(), exchange -> clerk.note(JobExchange.state(exchange)), beans.secrets());
        String completedFolder = "file:" + settings.completedDir() + "?tempPrefix=.writing-";
        String failedFolder = "file:" + settings.failedDir() + "?tempPrefix=.writing-";

        // read: every job of a job file goes its way; the file ends once each has reached a sink
        from(JOB_FILE).routeId(JOB_FILE_ROUTE)
                .onException(JobFileFailedException.class)
                    // each failed job has logged its reason; the file's source decides where the file goes
                    .logExhausted(false)
                    .log(LoggingLevel.WARN, "${exception.message}")
                .end()
                .process(new JobFileReading(settings.maxJobFileBytes()))
                .process(new JobDispatch(getContext(), JOB, slots))
                .process(NanoBananaRoutes::requireAllCompleted);

        // validate, admit: nothing is paid before the ledger says the job is this instance's to run
        from(JOB).routeId(JOB_ROUTE).routeConfigurationId(NanoBananaErrorHandling.ID)
                .process(metrics::received)
                .process(exchange -> Delivery.defaultSinks(exchange, completedFolder, failedFolder))
                .process(new JobPreparation(new JobValidator(settings.defaultResolution(),
                        settings.defaultOutputFormat()), clock))
                .process(images)
                .to(ADMIT)
                .filter(JobAdmission::mayRun)
                    .to(RUN)
                .end();

        // submit, under the limit on jobs in flight
        from(RUN).routeId("nanobanana-run").routeConfigurationId(NanoBananaErrorHandling.ID)
                .process(slots.acquire())
                .to(SUBMIT)
                .to(FINISH);

        // poll until RunPod is done, keep the image in the spool, deliver
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
                        .process(exchange -> inDoubt(settings))
                        .to(RUN)
                    .when(phase(JobPhase.SUBMITTED))
                        .process(slots::takeForJobAtRunpod)
                        .to(FINISH)
                    .otherwise()
                        .to(KEEP)
                        .to(DELIVER)
                .end();
        clerk.onResume(new Resumption(getContext(), RESUME));

        // a step of its own, so that a job's trace shows it (JobSpanDecorator)
        stepRoute(ADMIT)
                .process(new JobAdmission(clerk, beans.waits()));
        stepRoute(SUBMIT)
                .process(exchange -> refuseInDryRun(settings))
                .throttle(settings.rateMaxRequests()).timePeriodMillis(settings.ratePeriod().toMillis()).asyncDelayed()
                .process(beans.budget())
                .process(calls.submit(images::forSending));
        stepRoute(POLL)
                .delay().exchange(polling::nextDelay).asyncDelayed()
                .throttle(settings.rateMaxRequests()).timePeriodMillis(settings.ratePeriod().toMillis()).asyncDelayed()
                .process(calls.poll());
        stepRoute(CANCEL)
                .process(calls.cancel());
        stepRoute(KEEP)
                .process(new ImageDownload(beans.runpod(), beans.spool()));

        stepRoute(DELIVER)
                // sinks may be remote and slow: delivering never holds up the jobs still waiting on RunPod
                .threads().executorService(beans.deliveryThreads())
                .process(exchange -> JobExchange.at(exchange, JobStep.STORE))
                .filter(Delivery::imageToStore)
                    .process(delivery::imageMessage)
                    .toD("${exchangeProperty." + JobExchange.SINK + "}")
                    .process(delivery::imageStored)
                .end()
                .process(delivery::resultRecordMessage)
                .toD("${exchangeProperty." + JobExchange.SINK + "}")
                .process(delivery::delivered)
                // delivered after all (its sink came back, its paid image was fetched): its error record goes
                .filter(ErrorRecordRemoval::hasErrorRecord)
                    .process(new ErrorRecordRemoval(getContext(), clock))
                .end()
                .process(exchange -> clerk.note(JobExchange.state(exchange)));

        from(FAILED_SINK).routeId("nanobanana-failed-sink")
                .process(slots::release)
                .threads().executorService(beans.deliveryThreads())
                .process(calls.cancelGivenUp())
                .process(delivery::errorRecordMessage)
                .toD("${exchangeProperty." + JobExchange.SINK + "}")
                .process(Delivery::errorRecordWritten)
                .process(exchange -> clerk.recordOrPostpone(JobExchange.state(exchange)));
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
    private static void inDoubt(NanoBananaSettings settings) throws OutcomeUnknownException {
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
}
