package dev.nanobanana.camel.kamelet;

import dev.nanobanana.camel.sink.ErrorRecord;

/**
 * A job sent on its own did not complete. Its error record is in the failed sink already; this exception fails the
 * caller's exchange with the record's reason, so that the caller's own error handling applies.
 */
public class JobFailedException extends Exception {

    private final String jobId;
    private final String reason;
    private final transient ErrorRecord record;

    /** @param record the job's error record, or null when the job failed before this call (the ledger says so) */
    public JobFailedException(String jobId, String reason, String recordFile, ErrorRecord record) {
        super("Job " + jobId + " did not complete: " + reason + (recordFile != null ? " (see " + recordFile + ")" : ""));
        this.jobId = jobId;
        this.reason = reason;
        this.record = record;
    }

    public String jobId() {
        return jobId;
    }

    public String reason() {
        return reason;
    }

    /** The error record written to the failed sink, or null when the job had failed before. */
    public ErrorRecord record() {
        return record;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // an expected outcome, fully described by its message: a stack trace would only hide it in the log
        return this;
    }
}
