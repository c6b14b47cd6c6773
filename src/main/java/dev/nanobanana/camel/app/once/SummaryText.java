package dev.nanobanana.camel.app.once;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.nanobanana.camel.app.once.BatchSummary.BudgetStop;
import dev.nanobanana.camel.app.once.BatchSummary.CompletedJob;
import dev.nanobanana.camel.app.once.BatchSummary.FailedJob;
import dev.nanobanana.camel.app.once.BatchSummary.SourceTrouble;

/** A batch's summary as the lines a person reads at the end of {@code --once}, and the lines for single jobs. */
public final class SummaryText {

    /** A reason longer than this is cut: the error record holds it in full. */
    static final int REASON_CHARS = 160;
    /** Failed jobs listed one by one at most; the rest are counted. */
    static final int FAILURES_LISTED = 20;

    private SummaryText() {
    }

    public static List<String> lines(BatchSummary summary) {
        List<String> lines = new ArrayList<>();
        lines.add(headline(summary));
        summary.failed().stream().limit(FAILURES_LISTED).forEach(job -> lines.add("  " + failedLine(job)));
        if (summary.failed().size() > FAILURES_LISTED) {
            lines.add("  ... and " + (summary.failed().size() - FAILURES_LISTED) + " more failed: see their error "
                      + "records");
        }
        for (SourceTrouble trouble : summary.unreadSources()) {
            lines.add("  " + trouble.source() + " could not be read: " + cut(trouble.reason())
                      + "; its job files wait for the next run");
        }
        BudgetStop budget = summary.budgetStop();
        if (budget != null) {
            lines.add(budgetLine(budget));
        }
        int unfinished = summary.unfinished() - (budget == null ? 0 : budget.jobsWaiting());
        if (unfinished > 0) {
            // Camel tells route policies nothing while it stops: a job that ends during the stop is not counted here
            lines.add("  " + unfinished + " job(s) not ended when the runtime began to stop: one at RunPod "
                      + "finishes during the stop (see the log), the others resume at the next run; none is paid twice");
        }
        if (!summary.completedSinks().isEmpty()) {
            lines.add("Images and records: " + String.join(", ", summary.completedSinks()));
        }
        if (!summary.failedSinks().isEmpty()) {
            lines.add("Error records: " + String.join(", ", summary.failedSinks()));
        }
        return lines;
    }

    static String completedLine(CompletedJob job) {
        String what = job.deliveredAlready() ? "delivered already, not sent again"
                : job.costUsd() == null ? "cost unknown" : usd(job.costUsd()) + " USD";
        return job.jobId() + " completed: " + job.image() + " (" + what + ")";
    }

    static String failedLine(FailedJob job) {
        return job.jobId() + " failed: " + cut(job.reason());
    }

    /** What the budget counts, its cap, the jobs it held back and when they can go on. */
    static String budgetLine(BudgetStop budget) {
        String period = switch (budget.cap().period()) {
            case DAY -> "from the next UTC day, or ";
            case MONTH -> "from the next UTC month, or ";
            case TOTAL -> "";
        };
        return "  Budget reached: jobs submitted " + budget.cap().period().description() + " count "
               + usd(budget.countedUsd()) + " USD of " + budget.cap() + " (nanobanana.budget.max-usd); "
               + budget.jobsWaiting() + " job(s) were not sent and wait in the inbox"
               + (budget.filesUnread() ? ", with the job files not read yet," : "") + " for a run " + period
               + "with a higher cap";
    }

    /** Minutes and seconds, as a clock shows them: {@code 0:07}, {@code 12:30}, {@code 1:02:03}. */
    static String clock(Duration elapsed) {
        long seconds = elapsed.toSeconds();
        return seconds >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }

    /** One line, at most {@link #REASON_CHARS} characters. */
    static String cut(String reason) {
        String line = reason == null ? "(no reason given)" : reason.replaceAll("\\s+", " ").strip();
        return line.length() <= REASON_CHARS ? line : line.substring(0, REASON_CHARS - 1) + "…";
    }

    private static String headline(BatchSummary summary) {
        String when = summary.budgetStop() != null ? "Batch stopped by the budget after "
                : summary.stoppedEarly() ? "Batch stopped before it was over, after " : "Batch over in ";
        if (summary.jobs() == 0) {
            return when + took(summary.took()) + ": no jobs"
                   + (summary.sources().isEmpty() ? "" : " in " + String.join(", ", summary.sources()));
        }
        StringBuilder line = new StringBuilder(when).append(took(summary.took())).append(": ")
                .append(summary.completed().size()).append(" completed");
        long already = summary.completed().stream().filter(CompletedJob::deliveredAlready).count();
        if (already > 0) {
            line.append(" (").append(already).append(" delivered already, not sent again)");
        }
        line.append(", ").append(summary.failed().size()).append(" failed; ").append(usd(summary.spentUsd()))
                .append(" USD spent");
        if (summary.completedWithoutCost() > 0) {
            line.append(" (and ").append(summary.completedWithoutCost()).append(" job(s) whose cost RunPod did not "
                                                                                 + "give)");
        }
        return line.toString();
    }

    private static String usd(BigDecimal amount) {
        return amount.signum() == 0 ? "0" : amount.stripTrailingZeros().toPlainString();
    }

    private static String took(Duration took) {
        long millis = took.toMillis();
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = took.toSeconds();
        return seconds < 3600 ? seconds / 60 + " min " + seconds % 60 + " s"
                : seconds / 3600 + " h " + seconds / 60 % 60 + " min";
    }
}
