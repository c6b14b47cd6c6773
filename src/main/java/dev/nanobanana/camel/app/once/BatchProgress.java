package dev.nanobanana.camel.app.once;

import java.time.Duration;

import dev.nanobanana.camel.app.once.BatchSummary.CompletedJob;
import dev.nanobanana.camel.app.once.BatchSummary.FailedJob;

/** How a one-shot batch shows its progress while it runs: a bar on a terminal, a line per job elsewhere. */
public interface BatchProgress {

    /** A job was handed to the pipeline: there is one more job known. */
    void started(Counts counts);

    void completed(CompletedJob job, Counts counts);

    void failed(FailedJob job, Counts counts);

    /** About once a second, so that a bar can show the time. */
    void tick(Counts counts);

    /** The batch is over: what is printed next starts on a line of its own. */
    void close();

    /** Jobs known so far, and how many of them ended. */
    record Counts(int known, int completed, int failed, Duration elapsed) {

        public int done() {
            return completed + failed;
        }
    }
}
