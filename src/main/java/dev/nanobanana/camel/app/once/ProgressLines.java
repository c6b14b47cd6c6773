package dev.nanobanana.camel.app.once;

import java.io.PrintStream;

import dev.nanobanana.camel.app.once.BatchSummary.CompletedJob;
import dev.nanobanana.camel.app.once.BatchSummary.FailedJob;

/** Progress for a pipe, cron or CI: one plain line per job that ends, numbered against the jobs known so far. */
public final class ProgressLines implements BatchProgress {

    private final PrintStream out;

    public ProgressLines(PrintStream out) {
        this.out = out;
    }

    @Override
    public void started(Counts counts) {
        // a line per job that ends is enough
    }

    @Override
    public void completed(CompletedJob job, Counts counts) {
        out.println(position(counts) + SummaryText.completedLine(job));
    }

    @Override
    public void failed(FailedJob job, Counts counts) {
        out.println(position(counts) + SummaryText.failedLine(job));
    }

    @Override
    public void tick(Counts counts) {
        // time is in the summary
    }

    @Override
    public void close() {
        out.flush();
    }

    private static String position(Counts counts) {
        return "[" + counts.done() + "/" + counts.known() + "] ";
    }
}
