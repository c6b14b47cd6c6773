package dev.nanobanana.camel.job;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Some jobs of a job file did not complete. Each has its record in the failed sink already; this exception fails the
 * file's exchange so that its source keeps the file apart (the file consumer's {@code moveFailed}).
 */
public class JobFileFailedException extends Exception {

    private final transient List<JobOutcome> failed;

    public JobFileFailedException(String file, int jobs, List<JobOutcome> failed) {
        super(failed.size() + " of " + jobs + " jobs in " + file + " did not complete: "
              + failed.stream().map(JobFileFailedException::describe).collect(Collectors.joining("; ")));
        this.failed = List.copyOf(failed);
    }

    public List<JobOutcome> failed() {
        return failed;
    }

    private static String describe(JobOutcome outcome) {
        return outcome.jobId() + (outcome.recordFile() != null ? " (see " + outcome.recordFile() + ")" : " ("
                + outcome.detail() + ")");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // an expected outcome, fully described by its message: a stack trace would only hide it in the log
        return this;
    }
}
