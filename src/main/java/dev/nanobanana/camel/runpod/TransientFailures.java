package dev.nanobanana.camel.runpod;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;

import org.apache.camel.Predicate;
import org.apache.camel.http.base.HttpOperationFailedException;

import dev.nanobanana.camel.JobExchange;
import dev.nanobanana.camel.JobStep;

/**
 * Which failures are worth another attempt: I/O errors and HTTP 408, 429 and 5xx. HTTP 400, 401, 403 and 404 are
 * final, and so is a submit that got no answer in time: RunPod may be running that job already, and submitting it
 * again could pay for it twice.
 */
public final class TransientFailures {

    /**
     * Matches an exchange whose caught failure is transient at the step the job is in; a paid image's download and
     * storing are retried by {@link PaidImageRetries} instead.
     */
    public static final Predicate TRANSIENT = exchange -> !PaidImageRetries.applies(exchange)
            && isTransient(JobExchange.failure(exchange), JobExchange.step(exchange));

    private TransientFailures() {
    }

    public static boolean isTransient(Throwable failure, JobStep step) {
        if (failure instanceof HttpOperationFailedException http) {
            return isTransientStatus(http.getStatusCode());
        }
        if (isAnswerTimeout(failure)) {
            return step != JobStep.SUBMIT;
        }
        return failure instanceof IOException;
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
