package dev.nanobanana.camel.pipeline;

import java.io.File;
import java.time.Clock;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nanobanana.camel.job.EditJob;
import dev.nanobanana.camel.job.JobOutcome;
import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.observe.JobMetrics;
import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.sink.ErrorRecord;
import dev.nanobanana.camel.sink.ImageSpool;
import dev.nanobanana.camel.sink.RecordFormat;
import dev.nanobanana.camel.sink.ResultRecord;

/**
 * What a job's sinks are given, and how the job ends once they took it: the kept image and the result record for the
 * completed sink, the error record for the failed sink. A sink gets a body and its file name and no other header, so
 * that a source's own (say an S3 key) can never redirect where a result goes.
 */
final class Delivery {

    private static final Logger LOG = LoggerFactory.getLogger(NanoBananaRoutes.class);

    private final Clock clock;
    private final JobMetrics metrics;
    private final ErrorRecords errorRecords;

    Delivery(Clock clock, JobMetrics metrics, ErrorRecords errorRecords) {
        this.clock = clock;
        this.metrics = metrics;
        this.errorRecords = errorRecords;
    }

    /** Where a job's results go when its source named no sink: the folders {@code completed-dir} and {@code failed-dir}. */
    static void defaultSinks(Exchange exchange, String completedFolder, String failedFolder) {
        exchange.setProperty(JobExchange.ROUTE, JobExchange.route(exchange).withDefaultSinks(completedFolder,
                failedFolder));
    }

    /** Whether the image is still to be written; its record may not be. */
    static boolean imageToStore(Exchange exchange) {
        return !JobExchange.state(exchange).imageStored();
    }

    /**
     * The kept image, named after the job. A folder sink moves it out of the spool rather than copying it (Camel's
     * file producer renames a local work file): a 4K image is megabytes.
     */
    void imageMessage(Exchange exchange) {
        JobState state = JobExchange.state(exchange);
        EditJob job = state.job();
        File image = state.keptImage().toFile();
        String sink = state.route().completedSink();
        sinkMessage(exchange, sink, job.id() + "." + job.imageExtension(), "image/" + job.imageExtension(), image);
        JobMetrics.imageToWrite(exchange, image.length());
        if (sink.startsWith("file:")) {
            exchange.getIn().setHeader(Exchange.FILE_LOCAL_WORK_PATH, image.getPath());
        }
    }

    /** The image is in the completed sink: a retry of the delivery writes only the record. */
    void imageStored(Exchange exchange) {
        JobExchange.update(exchange, JobState::withImageStored);
        metrics.imageWritten(exchange);
    }

    void resultRecordMessage(Exchange exchange) throws Exception {
        JobState state = JobExchange.state(exchange);
        String image = state.job().id() + "." + state.job().imageExtension();
        ResultRecord record = ResultRecord.of(state, image, clock.instant());
        exchange.setProperty(JobExchange.RECORD, record);
        sinkMessage(exchange, state.route().completedSink(), state.jobId() + ".json", "application/json",
                RecordFormat.bytes(record));
    }

    /** The image and its record are in the completed sink: the spool's copy goes. */
    void delivered(Exchange exchange) {
        JobState state = JobExchange.state(exchange);
        ImageSpool.discard(state.keptImage());
        exchange.setProperty(JobExchange.STATE, state.delivered());
        String id = state.jobId();
        String image = id + "." + state.job().imageExtension();
        RunpodResult result = state.result();
        exchange.setProperty(JobExchange.OUTCOME, JobOutcome.completed(id, image, id + ".json"));
        metrics.completed(exchange, state);
        LOG.info("Job {} completed: {} (RunPod job {}, cost {} USD)", id, image, result.id(),
                result.cost().map(Object::toString).orElse("unknown"));
    }

    /** The job's error record, for the failed sink; the job is failed from here on. */
    void errorRecordMessage(Exchange exchange) throws Exception {
        ErrorRecord record = errorRecords.of(exchange);
        String id = record.jobId() != null ? record.jobId() : "job-" + exchange.getExchangeId();
        String file = id + ".error.json";
        exchange.setProperty(JobExchange.RECORD, record);
        sinkMessage(exchange, JobExchange.route(exchange).failedSink(), file, "application/json",
                RecordFormat.bytes(record));
        JobState state = JobExchange.state(exchange);
        JobFailure failure = JobFailure.of(exchange);
        if (state != null && !state.paidAndKept()) {
            state = state.failed(failure.leavesOutcomeUnknown());
            exchange.setProperty(JobExchange.STATE, state);
        }
        exchange.setProperty(JobExchange.OUTCOME, JobOutcome.failed(id, record.reason(), file));
        metrics.failed(exchange, state, failure.tag(record.runpodStatus()));
        LOG.warn("Job {} failed: {}", id, record.reason());
    }

    /** Kept in the job's state, so that the record is taken back should the job be delivered after all. */
    static void errorRecordWritten(Exchange exchange) {
        if (JobExchange.state(exchange) != null) {
            JobExchange.update(exchange, JobState::withErrorRecord);
        }
    }

    private static void sinkMessage(Exchange exchange, String sink, String fileName, String contentType, Object body) {
        exchange.setProperty(JobExchange.SINK, sink);
        exchange.getIn().removeHeaders("*", "CamelRedeliver*");
        exchange.getIn().setHeader(Exchange.FILE_NAME, fileName);
        exchange.getIn().setHeader(Exchange.CONTENT_TYPE, contentType);
        exchange.getIn().setBody(body);
    }
}
