package dev.nanobanana.camel.runpod;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.http.base.HttpOperationFailedException;

import dev.nanobanana.camel.JobExchange;
import dev.nanobanana.camel.JobStep;
import dev.nanobanana.camel.ledger.LedgerException;

/**
 * Which failures are worth another attempt: I/O errors and HTTP 408, 429 and 5xx. HTTP 400, 401, 403 and 404 are
 * final. So is a submit whose request may have reached RunPod without an answer coming back (no answer in time, a
 * connection lost after the request left): RunPod may be running that job already, and submitting it again could pay
 * for it twice; a submit that never reached RunPod (no connection) is retried. Such jobs are submitted again only when
 * the user chose so ({@code nanobanana.resubmit-in-doubt}).
 */
public final class TransientFailures implements Predicate {

    private final boolean resubmitInDoubt;

    public TransientFailures(boolean resubmitInDoubt) {
        this.resubmitInDoubt = resubmitInDoubt;
    }

    /**
     * Matches an exchange whose caught failure is transient at the step the job is in; a paid image's download and
     * storing are retried by {@link PaidImageRetries} instead.
     */
    @Override
    public boolean matches(Exchange exchange) {
        return !PaidImageRetries.applies(exchange) && isTransient(JobExchange.failure(exchange),
                JobExchange.step(exchange));
    }

    public boolean isTransient(Throwable failure, JobStep step) {
        if (failure instanceof LedgerException) {
            // the ledger's database out of reach: nothing was sent, as nothing is sent before it is written
            return true;
        }
        if (failure instanceof HttpOperationFailedException http) {
            return isTransientStatus(http.getStatusCode());
        }
        if (step == JobStep.SUBMIT && failure instanceof IOException && !neverSent(failure)) {
            return resubmitInDoubt;
        }
        return failure instanceof IOException;
    }

    /**
     * Whether a failure leaves it unknown if RunPod has the job: a submit that may have left without an answer coming
     * back, or one found half-done after a restart.
     */
    public static boolean leavesOutcomeUnknown(Throwable failure, JobStep step) {
        return failure instanceof OutcomeUnknownException
               || step == JobStep.SUBMIT && failure instanceof IOException && !neverSent(failure);
    }

    /** The submit failed before its request could leave: no connection was made. */
    public static boolean neverSent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException
                || t instanceof UnknownHostException || t instanceof UnresolvedAddressException
                || t instanceof NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The request was sent but no answer came in time; unlike a connect timeout, the server may have acted on it.
     */
    public static boolean isAnswerTimeout(Throwable failure) {
        return failure instanceof SocketTimeoutException
               || failure instanceof HttpTimeoutException && !(failure instanceof HttpConnectTimeoutException);
    }

    public static boolean isTransientStatus(int status) {
        return status == 408 || status == 429 || status >= 500;
    }
}
