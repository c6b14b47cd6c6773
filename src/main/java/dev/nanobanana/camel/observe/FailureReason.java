package dev.nanobanana.camel.observe;

import java.util.Locale;

/**
 * Why a job failed, as a metric tag: a small fixed set, never free text, so that a dashboard can sum and alert on it.
 * The error record says the rest.
 */
public enum FailureReason {
    /** RunPod ran the job and ended it FAILED, CANCELLED or TIMED_OUT. */
    RUNPOD_FAILED,
    /** The job could not be read or is not valid: nothing was sent. */
    INVALID_JOB,
    /** Past the poll deadline, or no answer in time. */
    TIMEOUT,
    /** RunPod answered 4xx (a refused key, a rate limit that did not end). */
    HTTP_4XX,
    /** RunPod answered 5xx until the attempts ran out. */
    HTTP_5XX,
    /** RunPod could not be reached: refused connection, unknown host, TLS. */
    UNREACHABLE,
    /** The submit may have reached RunPod without an answer: not submitted again. */
    IN_DOUBT,
    /** The image was made but could not be downloaded. */
    DOWNLOAD,
    /** The image could not be stored in the completed sink. */
    SINK,
    /** The job ledger could not be written. */
    LEDGER,
    OTHER;

    /** The tag value: {@code runpod_failed}, {@code invalid_job}... */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

}
