package dev.nanobanana.camel.observe;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;

import javax.net.ssl.SSLException;

import org.apache.camel.http.base.HttpOperationFailedException;

import dev.nanobanana.camel.JobStep;
import dev.nanobanana.camel.job.InvalidJobException;
import dev.nanobanana.camel.ledger.LedgerException;
import dev.nanobanana.camel.runpod.PollDeadlineExceededException;
import dev.nanobanana.camel.runpod.RunpodJobFailedException;
import dev.nanobanana.camel.runpod.RunpodStatus;
import dev.nanobanana.camel.runpod.TransientFailures;

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

    /**
     * @param runpodStatus RunPod's last word on the job (from its answer or its error body), or null
     */
    public static FailureReason of(Throwable failure, JobStep step, RunpodStatus runpodStatus) {
        if (step == JobStep.STORE) {
            return SINK;
        }
        if (step == JobStep.DOWNLOAD) {
            return DOWNLOAD;
        }
        if (failure instanceof InvalidJobException) {
            return INVALID_JOB;
        }
        if (failure instanceof LedgerException) {
            return LEDGER;
        }
        if (failure instanceof RunpodJobFailedException || runpodStatus != null && runpodStatus.isTerminal()
                                                           && runpodStatus != RunpodStatus.COMPLETED) {
            return RUNPOD_FAILED;
        }
        if (TransientFailures.leavesOutcomeUnknown(failure, step)) {
            return IN_DOUBT;
        }
        if (failure instanceof PollDeadlineExceededException || TransientFailures.isAnswerTimeout(failure)) {
            return TIMEOUT;
        }
        if (failure instanceof HttpOperationFailedException http) {
            return http.getStatusCode() >= 500 ? HTTP_5XX : HTTP_4XX;
        }
        return unreachable(failure) ? UNREACHABLE : OTHER;
    }

    private static boolean unreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException
                || t instanceof UnknownHostException || t instanceof UnresolvedAddressException
                || t instanceof NoRouteToHostException || t instanceof SSLException) {
                return true;
            }
            if (t instanceof HttpTimeoutException) {
                return false;
            }
        }
        return false;
    }
}
