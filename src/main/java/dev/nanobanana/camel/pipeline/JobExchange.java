package dev.nanobanana.camel.pipeline;

import java.util.function.UnaryOperator;

import org.apache.camel.Exchange;

import dev.nanobanana.camel.job.JobProgress;
import dev.nanobanana.camel.job.JobRoute;
import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.job.JobStep;
import dev.nanobanana.camel.runpod.RunpodResult;

/**
 * What a job carries through the routes: its {@link JobState}, one value with everything the job is, and, once it has
 * ended, its outcome and record. A job file's exchange carries what the file's source says of its jobs' way.
 */
public final class JobExchange {

    /** Everything known about the job: a {@link JobState}. */
    public static final String STATE = "NanoBananaJobState";
    /** The way a job came and where its results go, until its state is made from it: a {@link JobRoute}. */
    public static final String ROUTE = "NanoBananaJobRoute";
    /** Where the job ended: a {@link dev.nanobanana.camel.job.JobOutcome}. */
    public static final String OUTCOME = "NanoBananaOutcome";
    /**
     * What the job's record in its sink says: a {@link dev.nanobanana.camel.sink.ResultRecord} or an
     * {@link dev.nanobanana.camel.sink.ErrorRecord}, once written; for a job delivered already, its earlier result.
     */
    public static final String RECORD = "NanoBananaRecord";
    /** The endpoint the message in hand goes to: the job's completed or failed sink. */
    static final String SINK = "NanoBananaSink";

    /**
     * Set on a job file's exchange by the route that picks the file up: the endpoint that takes the images and records
     * of its completed jobs; the folder {@code nanobanana.completed-dir} when it is not set.
     */
    public static final String COMPLETED_SINK = "NanoBananaCompletedSink";
    /** Set on a job file's exchange: the endpoint that takes its jobs' error records; {@code failed-dir} by default. */
    public static final String FAILED_SINK = "NanoBananaFailedSink";
    /** The folder a job file was read from, for images its jobs name by a path relative to it. */
    public static final String LOCAL_FOLDER = "NanoBananaLocalFolder";
    /** Set on a job file some of whose jobs were not submitted because the runtime is stopping. */
    static final String LEFT_FOR_NEXT_START = "NanoBananaLeftForNextStart";

    private JobExchange() {
    }

    /**
     * Whether the runtime stopped before every job of a job file ended: the file is to be left where it is, for the
     * next start.
     */
    public static boolean leftForNextStart(Exchange file) {
        return file.getProperty(LEFT_FOR_NEXT_START) != null;
    }

    public static JobState state(Exchange exchange) {
        return exchange.getProperty(STATE, JobState.class);
    }

    public static void update(Exchange exchange, UnaryOperator<JobState> change) {
        exchange.setProperty(STATE, change.apply(state(exchange)));
    }

    /** Changes how the job's way is going; before the job is read there is nothing to change. */
    public static void progress(Exchange exchange, UnaryOperator<JobProgress> change) {
        JobState state = state(exchange);
        if (state != null) {
            exchange.setProperty(STATE, state.withProgress(change.apply(state.progress())));
        }
    }

    /** The job's id, known from the moment it is read; null before. */
    public static String jobId(Exchange exchange) {
        JobState state = state(exchange);
        return state == null ? null : state.jobId();
    }

    /** The way the job came and where its results go. */
    public static JobRoute route(Exchange exchange) {
        JobState state = state(exchange);
        JobRoute route = state != null ? state.route() : exchange.getProperty(ROUTE, JobRoute.class);
        return route != null ? route : JobRoute.alone("direct");
    }

    /** RunPod's latest answer about the job, or null before the first. */
    public static RunpodResult result(Exchange exchange) {
        JobState state = state(exchange);
        return state == null ? null : state.result();
    }

    /**
     * What the job failed with: the exception while Camel's error handler decides on a retry, the caught one once
     * the failure is handled.
     */
    public static Throwable failure(Exchange exchange) {
        Exception current = exchange.getException();
        return current != null ? current : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }

    /**
     * A step went through: the next one starts with a full set of attempts. (Camel keeps the redelivery counter on
     * the message after a retried call succeeds.)
     */
    public static void stepSucceeded(Exchange exchange) {
        exchange.getIn().removeHeaders("CamelRedeliver*");
        progress(exchange, JobProgress::stepSucceeded);
    }

    public static JobStep step(Exchange exchange) {
        JobState state = state(exchange);
        return state == null ? JobStep.READ : state.step();
    }

    /** The job is at this step now: a failure says which failed. */
    public static void at(Exchange exchange, JobStep step) {
        progress(exchange, progress -> progress.at(step));
    }
}
