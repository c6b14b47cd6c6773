package dev.nanobanana.camel.pipeline;

import java.util.function.UnaryOperator;

import org.apache.camel.Exchange;

import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.job.JobStep;

/** The exchange properties a job carries through the routes: its state, and what the step it is in needs. */
public final class JobExchange {

    /** The job's id, known from the moment it is read; names its files in the sinks. */
    public static final String JOB_ID = "NanoBananaJobId";
    /** Everything known about the job: a {@link JobState}. */
    public static final String STATE = "NanoBananaJobState";
    /** Where the job ended: a {@link dev.nanobanana.camel.job.JobOutcome}. */
    public static final String OUTCOME = "NanoBananaOutcome";
    /**
     * What the job's record in its sink says: a {@link dev.nanobanana.camel.sink.ResultRecord} or an
     * {@link dev.nanobanana.camel.sink.ErrorRecord}, once written; for a job delivered already, its earlier result.
     */
    public static final String RECORD = "NanoBananaRecord";
    /**
     * The endpoint that takes the images and records of completed jobs, set by the route that picks the job file up;
     * the folder {@code nanobanana.completed-dir} when it is not set.
     */
    public static final String COMPLETED_SINK = "NanoBananaCompletedSink";
    /** The endpoint that takes the error records of failed jobs; the folder {@code nanobanana.failed-dir} by default. */
    public static final String FAILED_SINK = "NanoBananaFailedSink";
    /** The route that took the job's file ({@code inbox}, {@code s3-inbox}): with the job's id, its key in the ledger. */
    public static final String SOURCE = "NanoBananaSource";
    /**
     * Set on a job read from a job file, rather than sent alone (as the kamelet sends one): a job file is dropped again,
     * a job sent alone is sent again.
     */
    public static final String FROM_JOB_FILE = "NanoBananaFromJobFile";
    /** Set on a job file some of whose jobs were not submitted because the runtime is stopping. */
    static final String LEFT_FOR_NEXT_START = "NanoBananaLeftForNextStart";
    /** The job's {@link dev.nanobanana.camel.job.JobKey}, once the ledger has admitted it. */
    public static final String JOB_KEY = "NanoBananaJobKey";
    /** The folder a job file was read from, for images the job names by a path relative to it. */
    public static final String LOCAL_FOLDER = "NanoBananaLocalFolder";
    /**
     * The price counted against the budget for the job's submit; gone once that submit may have reached RunPod without
     * an answer, so that one sent again is counted again.
     */
    public static final String COUNTED = "NanoBananaCounted";
    /** The {@link JobStep} the job is in, so that a failure can say what failed. */
    public static final String STEP = "NanoBananaStep";
    /** Attempts made at the step that failed last. */
    public static final String ATTEMPTS = "NanoBananaAttempts";
    public static final String POLLS = "NanoBananaPolls";
    public static final String POLL_STARTED = "NanoBananaPollStarted";
    /** Set when a job given up on was cancelled at RunPod, so that its record can say so. */
    public static final String CANCELLED = "NanoBananaCancelled";
    /** When the step the job is in first failed: how long a paid image has been tried for. */
    public static final String FAILING_SINCE = "NanoBananaFailingSince";

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

    public static String jobId(Exchange exchange) {
        return exchange.getProperty(JOB_ID, String.class);
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
        exchange.removeProperty(FAILING_SINCE);
    }

    public static JobStep step(Exchange exchange) {
        return exchange.getProperty(STEP, JobStep.READ, JobStep.class);
    }
}
