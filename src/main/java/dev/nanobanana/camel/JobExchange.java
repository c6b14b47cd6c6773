package dev.nanobanana.camel;

import org.apache.camel.Exchange;

import dev.nanobanana.camel.job.EditJob;
import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.runpod.RunsyncRequest;

/** The exchange properties in which a job carries its state through the routes. */
public final class JobExchange {

    /** The job's id, known from the moment it is read; names its files in the sinks. */
    public static final String JOB_ID = "NanoBananaJobId";
    /** The job file the job came from, as its source gave it. */
    public static final String SOURCE_FILE = "NanoBananaSourceFile";
    /** The job as read, before validation (a {@link dev.nanobanana.camel.job.JobDraft}). */
    public static final String DRAFT = "NanoBananaDraft";
    public static final String JOB = "NanoBananaJob";
    public static final String REQUEST = "NanoBananaRunsyncRequest";
    /** RunPod's latest answer about the job. */
    public static final String RESULT = "NanoBananaResult";
    public static final String SUBMITTED_AT = "NanoBananaSubmittedAt";
    /** The {@link JobStep} the job is in, so that a failure can say what failed. */
    public static final String STEP = "NanoBananaStep";
    /** Attempts made at the step that failed last. */
    public static final String ATTEMPTS = "NanoBananaAttempts";
    public static final String POLLS = "NanoBananaPolls";
    public static final String POLL_STARTED = "NanoBananaPollStarted";
    public static final String IMAGE_URL = "NanoBananaImageUrl";
    public static final String IMAGE_FILE = "NanoBananaImageFile";
    /** Where the job ended: a {@link dev.nanobanana.camel.job.JobOutcome}. */
    public static final String OUTCOME = "NanoBananaOutcome";

    private JobExchange() {
    }

    public static String jobId(Exchange exchange) {
        return exchange.getProperty(JOB_ID, String.class);
    }

    public static EditJob job(Exchange exchange) {
        return exchange.getProperty(JOB, EditJob.class);
    }

    public static RunsyncRequest request(Exchange exchange) {
        return exchange.getProperty(REQUEST, RunsyncRequest.class);
    }

    public static RunpodResult result(Exchange exchange) {
        return exchange.getProperty(RESULT, RunpodResult.class);
    }

    /**
     * What the job failed with: the exception while Camel's error handler decides on a retry, the caught one once
     * the failure is handled.
     */
    public static Throwable failure(Exchange exchange) {
        Exception current = exchange.getException();
        return current != null ? current : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }

    public static JobStep step(Exchange exchange) {
        return exchange.getProperty(STEP, JobStep.READ, JobStep.class);
    }
}
