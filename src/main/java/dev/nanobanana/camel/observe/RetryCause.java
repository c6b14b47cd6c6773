package dev.nanobanana.camel.observe;

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
}
