package dev.nanobanana.camel.job;

import java.util.Objects;

/**
 * What names a job in the ledger: the route that took it (such as {@code inbox} or {@code s3-inbox}) and the job's id.
 * Two sources may use the same job id for different jobs.
 */
public record JobKey(String source, String jobId) {

    public JobKey {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(jobId, "jobId");
    }

    @Override
    public String toString() {
        return source + "/" + jobId;
    }
}
