package dev.nanobanana.camel.app.once;

import java.io.PrintStream;

import dev.nanobanana.camel.app.once.BatchSummary.CompletedJob;
import dev.nanobanana.camel.app.once.BatchSummary.FailedJob;

/**
 * Progress on a terminal: one line redrawn in place, jobs done of jobs known, failures and the time taken. The cursor
 * is left at the start of the line, so that a warning logged meanwhile overwrites the bar rather than being glued to
 * its end (each failed job is such a warning); the bar is drawn again below it.
 */
public final class ProgressBar implements BatchProgress {

    private static final int WIDTH = 30;
    private static final String LINE_START = "\r";
    /** Clears the line after the text: a shorter bar leaves nothing of a longer one. */
    private static final String CLEAR_TO_END = "\u001B[K";

    private final PrintStream out;
    private boolean drawn;

    public ProgressBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void started(Counts counts) {
        draw(counts);
    }

    @Override
    public synchronized void completed(CompletedJob job, Counts counts) {
        draw(counts);
    }

    @Override
    public synchronized void failed(FailedJob job, Counts counts) {
        draw(counts);
    }

    @Override
    public synchronized void tick(Counts counts) {
        draw(counts);
    }

    @Override
    public synchronized void close() {
        if (drawn) {
            out.println();
        }
        out.flush();
    }

    private void draw(Counts counts) {
        int filled = counts.known() == 0 ? 0 : WIDTH * counts.done() / counts.known();
        String bar = "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + counts.done() + "/"
                     + counts.known() + " jobs" + (counts.failed() > 0 ? ", " + counts.failed() + " failed" : "")
                     + "  " + SummaryText.clock(counts.elapsed());
        out.print(LINE_START + bar + CLEAR_TO_END + LINE_START);
        out.flush();
        drawn = true;
    }
}
