package dev.nanobanana.camel.observe;

import java.io.IOException;

import org.apache.camel.http.base.HttpOperationFailedException;

import dev.nanobanana.camel.ledger.LedgerException;

/** What a retry of a job's step was for, as a metric tag: a small fixed set. */
public enum RetryCause {
    /** HTTP 429: RunPod's rate limit. */
    HTTP_429("429"),
    /** HTTP 5xx. */
    HTTP_5XX("5xx"),
    /** Another HTTP status: 408, or a CDN's 404 on a paid image. */
    HTTP_4XX("4xx"),
    /** Refused or dropped connections, timeouts, a sink that could not be written. */
    IO("io"),
    /** The job ledger out of reach. */
    LEDGER("ledger"),
    OTHER("other");

    private final String tag;

    RetryCause(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }

    public static RetryCause of(Throwable failure) {
        if (failure instanceof HttpOperationFailedException http) {
            int status = http.getStatusCode();
            return status == 429 ? HTTP_429 : status >= 500 ? HTTP_5XX : HTTP_4XX;
        }
        if (failure instanceof LedgerException) {
            return LEDGER;
        }
        return failure instanceof IOException ? IO : OTHER;
    }
}
