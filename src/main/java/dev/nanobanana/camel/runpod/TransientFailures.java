package dev.nanobanana.camel.runpod;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.http.base.HttpOperationFailedException;

/** Which HTTP answers are worth another attempt: 408, 429 and 5xx. 400, 401, 403 and 404 are final. */
public final class TransientFailures {

    /** Matches an exchange that failed with a transient HTTP status. */
    public static final Predicate TRANSIENT_STATUS = exchange ->
            exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class) instanceof HttpOperationFailedException e
            && isTransient(e.getStatusCode());

    private TransientFailures() {
    }

    public static boolean isTransient(int status) {
        return status == 408 || status == 429 || status >= 500;
    }
}
