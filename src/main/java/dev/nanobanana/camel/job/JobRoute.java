package dev.nanobanana.camel.job;

import com.fasterxml.jackson.annotation.JsonAlias;

/**
 * The way a job came and where its results go, as its source gave them: the route that took it (with the job's id,
 * its key in the ledger), the endpoint that takes its image and record, the one that takes its error record, the folder
 * its images named by a relative path are read from, and whether it came in a job file (which is dropped again) or
 * alone (which is sent again). Kept with the job in the ledger, so that a job finished after a restart goes where it
 * was meant to.
 */
public record JobRoute(
        String source,
        @JsonAlias("NanoBananaCompletedSink") String completedSink,
        @JsonAlias("NanoBananaFailedSink") String failedSink,
        @JsonAlias("NanoBananaLocalFolder") String jobFolder,
        boolean fromJobFile) {

    /** A job sent alone, from {@code source}, to the default sinks. */
    public static JobRoute alone(String source) {
        return new JobRoute(source, null, null, null, false);
    }

    /** The same route, its sinks given where none was. */
    public JobRoute withDefaultSinks(String completed, String failed) {
        return new JobRoute(source, completedSink != null ? completedSink : completed,
                failedSink != null ? failedSink : failed, jobFolder, fromJobFile);
    }

    /** The same route, for a job the ledger knows by this source (a row written before the route kept it). */
    public JobRoute withSource(String known) {
        return new JobRoute(known, completedSink, failedSink, jobFolder, fromJobFile);
    }
}
