package dev.nanobanana.camel;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.ThreadPoolProfile;

import dev.nanobanana.camel.job.EditJob;
import dev.nanobanana.camel.job.JobDraft;
import dev.nanobanana.camel.job.JobFileFailedException;
import dev.nanobanana.camel.job.JobOutcome;
import dev.nanobanana.camel.job.JobOutcomes;
import dev.nanobanana.camel.job.JobPreparation;
import dev.nanobanana.camel.job.JobReader;
import dev.nanobanana.camel.job.JobValidator;
import dev.nanobanana.camel.runpod.Polling;
import dev.nanobanana.camel.runpod.RunpodAnswer;
import dev.nanobanana.camel.runpod.RunpodHttpClients;
import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.sink.ErrorRecord;
import dev.nanobanana.camel.sink.ErrorRecords;
import dev.nanobanana.camel.sink.ImageSource;
import dev.nanobanana.camel.sink.ResultRecord;

/**
 * The pipeline from a job to the sinks, for any CamelContext. Send a job file to {@link #JOB_FILE} or a single job to
 * {@link #JOB}; add {@link NanoBananaErrorHandling} to the same context.
 */
public class NanoBananaRoutes extends RouteBuilder {

    /**
     * A job file: the body is its content, {@code CamelFileName} its name. Its jobs run in parallel; the exchange fails
     * with a {@link dev.nanobanana.camel.job.JobFileFailedException} when any of them did not complete.
     */
    public static final String JOB_FILE = "direct:nanobanana-job-file";
    /** One job: a map, JSON or YAML text, or an {@link EditJob}. Ends in the completed or the failed sink. */
    public static final String JOB = "direct:nanobanana-job";
    public static final String COMPLETED_SINK = "direct:nanobanana-completed-sink";
    public static final String FAILED_SINK = "direct:nanobanana-failed-sink";

    static final String SUBMIT = "direct:nanobanana-submit";
    static final String POLL = "direct:nanobanana-poll";
    static final String CANCEL = "direct:nanobanana-cancel";
    static final String API_CLIENT = "nanobananaRunpodApiClient";
    static final String IMAGE_CLIENT = "nanobananaImageClient";

    private static final ObjectMapper RECORDS = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final NanoBananaSettings given;
    private final Clock clock = Clock.systemUTC();
    private final JobReader reader = new JobReader();

    /** Reads its settings from the context's {@code nanobanana.*} properties. */
    public NanoBananaRoutes() {
        this(null);
    }

    public NanoBananaRoutes(NanoBananaSettings settings) {
        this.given = settings;
    }

    @Override
    public void configure() {
        NanoBananaSettings settings = given != null ? given : NanoBananaSettings.from(getContext());
        bindToRegistry(API_CLIENT, RunpodHttpClients.api(settings.apiKey()));
        bindToRegistry(IMAGE_CLIENT, RunpodHttpClients.imageHost());
        // each job in flight holds at most one connection
        int connections = Math.max(20, settings.concurrency());
        String clientOptions = "&connectTimeout=" + settings.connectTimeout().toMillis()
                               + "&soTimeout=" + settings.readTimeout().toMillis()
                               + "&responseTimeout=" + settings.readTimeout().toMillis()
                               + "&maxTotalConnections=" + connections + "&connectionsPerRoute=" + connections;
        String runpodApi = settings.endpointUrl() + "?httpClientConfigurer=#" + API_CLIENT
                           + "&skipRequestHeaders=true&skipResponseHeaders=true" + clientOptions;
        // each download goes to the image's own URL, set by ImageSource as the message's CamelHttpUri
        String imageHost = "https://image-host?httpClientConfigurer=#" + IMAGE_CLIENT
                           + "&skipRequestHeaders=true&skipResponseHeaders=true&disableStreamCache=true" + clientOptions;
        String completedFiles = "file:" + settings.completedDir() + "?fileExist=Override&tempPrefix=.writing-";
        String failedFiles = "file:" + settings.failedDir() + "?fileExist=Override&tempPrefix=.writing-";
        Polling polling = new Polling(settings.pollInitialInterval(), settings.pollMaxInterval(),
                settings.pollMultiplier(), settings.pollDeadline(), clock);
        ErrorRecords errorRecords = new ErrorRecords(clock);

        from(JOB_FILE).routeId("nanobanana-job-file")
                .onException(JobFileFailedException.class)
                    // each failed job has logged its reason; the file's source decides where the file goes
                    .logExhausted(false)
                    .log(LoggingLevel.WARN, "${exception.message}")
                .end()
                .process(this::readJobFile)
                .split(body(), new JobOutcomes()).parallelProcessing().executorService(jobThreads(settings))
                    .to(JOB)
                .end()
                .process(JobOutcomes::requireAllCompleted);

        from(JOB).routeId("nanobanana-job").routeConfigurationId(NanoBananaErrorHandling.ID)
                .process(new JobPreparation(new JobValidator(settings.defaultResolution(),
                        settings.defaultOutputFormat())))
                .setProperty(JobExchange.SUBMITTED_AT, clock::instant)
                .to(SUBMIT)
                .loopDoWhile(polling::shouldPoll)
                    .to(POLL)
                .end()
                .filter(polling::pastDeadline)
                    .to(CANCEL)
                .end()
                .process(polling::requireCompleted)
                .to(COMPLETED_SINK);

        runpodCall(stepRoute(SUBMIT), JobStep.SUBMIT, "POST", runpodApi,
                exchange -> settings.endpointUrl() + "/runsync");
        runpodCall(stepRoute(POLL).delay().exchange(polling::nextDelay).syncDelayed(),
                JobStep.POLL, "GET", runpodApi,
                exchange -> settings.endpointUrl() + "/status/" + JobExchange.result(exchange).id());
        runpodCall(stepRoute(CANCEL), JobStep.CANCEL, "POST", runpodApi,
                exchange -> settings.endpointUrl() + "/cancel/" + JobExchange.result(exchange).id());

        stepRoute(COMPLETED_SINK)
                .process(new ImageSource())
                .filter(exchangeProperty(JobExchange.IMAGE_URL).isNotNull())
                    .to(imageHost)
                .end()
                .setProperty(JobExchange.STEP, constant(JobStep.STORE))
                .process(this::nameImageFile)
                .to(completedFiles)
                .process(exchange -> record(exchange, ResultRecord.of(exchange, clock.instant()),
                        JobExchange.jobId(exchange) + ".json"))
                .to(completedFiles)
                .process(this::completed);

        from(FAILED_SINK).routeId("nanobanana-failed-sink")
                .process(exchange -> failed(exchange, errorRecords.of(exchange)))
                .to(failedFiles);
    }

    /**
     * A route that is one step of a job. It has no error handler of its own: the job's error handler retries the
     * whole step, and records the job as failed when the step fails for good.
     */
    private RouteDefinition stepRoute(String endpoint) {
        return from(endpoint).routeId(endpoint.substring("direct:".length())).errorHandler(noErrorHandler());
    }

    /** A call to RunPod's API whose answer becomes the job's result. */
    private void runpodCall(ProcessorDefinition<?> route, JobStep step, String method, String runpodApi,
            Function<Exchange, Object> uri) {
        route.setProperty(JobExchange.STEP, constant(step))
                .removeHeaders("CamelHttp*")
                .setHeader(Exchange.HTTP_METHOD, constant(method))
                .setHeader(Exchange.HTTP_URI).exchange(uri)
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                .to(runpodApi)
                .process(new RunpodAnswer());
    }

    private void readJobFile(Exchange exchange) {
        String name = exchange.getIn().getHeader(Exchange.FILE_NAME, String.class);
        String path = exchange.getIn().getHeader(Exchange.FILE_PATH, name, String.class);
        byte[] content = exchange.getIn().getBody(byte[].class);
        List<JobDraft> drafts = reader.read(path, content == null ? new byte[0] : content);
        log.info("{}: {} job(s)", path, drafts.size());
        exchange.getIn().setBody(drafts);
    }

    private void nameImageFile(Exchange exchange) {
        EditJob job = JobExchange.job(exchange);
        String file = job.id() + "." + job.imageExtension();
        exchange.setProperty(JobExchange.IMAGE_FILE, file);
        nameSinkFile(exchange, file);
    }

    private void completed(Exchange exchange) {
        String id = JobExchange.jobId(exchange);
        String image = exchange.getProperty(JobExchange.IMAGE_FILE, String.class);
        RunpodResult result = JobExchange.result(exchange);
        exchange.setProperty(JobExchange.OUTCOME, JobOutcome.completed(id, image, id + ".json"));
        log.info("Job {} completed: {} (RunPod job {}, cost {} USD)", id, image, result.id(),
                result.cost().map(Object::toString).orElse("unknown"));
    }

    private void failed(Exchange exchange, ErrorRecord record) throws Exception {
        String id = record.jobId() != null ? record.jobId() : "job-" + exchange.getExchangeId();
        String file = id + ".error.json";
        record(exchange, record, file);
        exchange.setProperty(JobExchange.OUTCOME, JobOutcome.failed(id, record.reason(), file));
        log.warn("Job {} failed: {}", id, record.reason());
    }

    private static void record(Exchange exchange, Object record, String fileName) throws Exception {
        nameSinkFile(exchange, fileName);
        exchange.getIn().setBody(RECORDS.writeValueAsBytes(record));
    }

    /**
     * Names the file a sink writes. The job's message still carries its source's file headers, and the file producer
     * would take its temporary name from CamelFileNameOnly: the same for every job of a file, so that jobs finishing
     * together would overwrite each other's temporary file.
     */
    private static void nameSinkFile(Exchange exchange, String fileName) {
        exchange.getIn().removeHeaders("CamelFile*");
        exchange.getIn().setHeader(Exchange.FILE_NAME, fileName);
    }

    private ExecutorService jobThreads(NanoBananaSettings settings) {
        ThreadPoolProfile profile = new ThreadPoolProfile("nanobanana-jobs");
        profile.setPoolSize(settings.concurrency());
        profile.setMaxPoolSize(settings.concurrency());
        // jobs wait in the queue rather than on the consumer's thread
        profile.setMaxQueueSize(-1);
        return getContext().getExecutorServiceManager().newThreadPool(this, "nanobanana-jobs", profile);
    }
}
