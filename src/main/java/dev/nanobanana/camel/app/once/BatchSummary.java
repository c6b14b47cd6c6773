package dev.nanobanana.camel.app.once;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.nanobanana.camel.settings.BudgetCap;

/**
 * What a one-shot batch ({@code --once}) did, for a person or a report to show: each job that completed or failed,
 * what RunPod charged, where the results went, and the sources that could not be read.
 *
 * @param startedAt when the runtime was started
 * @param took from the start until the batch was over (or the runtime was stopped)
 * @param sources where job files were taken from, without options ({@code file://inbox})
 * @param completed the jobs whose image and record are in a sink, in the order they ended
 * @param failed the jobs that ended with an error record, in the order they ended
 * @param unfinished jobs not ended when the runtime began to stop: those at RunPod may still finish during the stop,
 *     the others resume at the next start
 * @param unreadSources sources whose last poll failed: their job files wait for the next run
 * @param stoppedEarly whether the runtime was stopped (SIGTERM, Ctrl-C) before the batch was over
 * @param budgetStop why the budget ended the batch, or null when it did not: the jobs left waited for it (counted in
 *     {@code unfinished}), and nothing in the batch could free it
 */
public record BatchSummary(
        Instant startedAt,
        Duration took,
        List<String> sources,
        List<CompletedJob> completed,
        List<FailedJob> failed,
        int unfinished,
        List<SourceTrouble> unreadSources,
        boolean stoppedEarly,
        BudgetStop budgetStop) {

    /** The exit code when every job completed and every source was read. */
    public static final int ALL_COMPLETED = 0;
    /** The exit code when a job failed (RunPod's FAILED, an invalid job, in doubt), a source could not be read, the
     * budget held jobs back, or the batch was stopped before it was over (then the JVM ends with the signal's code,
     * 143 for SIGTERM). */
    public static final int NOT_ALL_COMPLETED = 1;

    public BatchSummary {
        sources = List.copyOf(sources);
        completed = List.copyOf(completed);
        failed = List.copyOf(failed);
        unreadSources = List.copyOf(unreadSources);
    }

    public int jobs() {
        return completed.size() + failed.size() + unfinished;
    }

    public int exitCode() {
        return failed.isEmpty() && unreadSources.isEmpty() && unfinished == 0 && !stoppedEarly && budgetStop == null
                ? ALL_COMPLETED : NOT_ALL_COMPLETED;
    }

    /** What RunPod charged for the jobs of this batch, as its answers say. */
    public BigDecimal spentUsd() {
        return completed.stream().map(CompletedJob::costUsd).filter(Objects::nonNull)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** Completed jobs whose cost RunPod did not give (those delivered already cost nothing). */
    public long completedWithoutCost() {
        return completed.stream().filter(job -> job.costUsd() == null && !job.deliveredAlready()).count();
    }

    /** Where the images and their records went, in the order first used. */
    public Set<String> completedSinks() {
        Set<String> sinks = new LinkedHashSet<>();
        completed.forEach(job -> sinks.add(job.sink()));
        return sinks;
    }

    /** Where the error records went, in the order first used. */
    public Set<String> failedSinks() {
        Set<String> sinks = new LinkedHashSet<>();
        failed.forEach(job -> sinks.add(job.sink()));
        return sinks;
    }

    /**
     * A job whose image is in its sink.
     *
     * @param source the route that took its job file ({@code inbox}, {@code s3-inbox}...)
     * @param image where the image is: the sink's place and the image's name ({@code out/completed/shoe.png})
     * @param sink the place of the completed sink ({@code out/completed}, {@code s3://bucket/out/completed/})
     * @param costUsd what RunPod charged for it, or null when its answer did not say
     * @param deliveredAlready whether it had been delivered already (by an earlier run, or another instance) and was
     *     not sent again
     */
    public record CompletedJob(String jobId, String source, String image, String sink, BigDecimal costUsd,
                               boolean deliveredAlready) {
    }

    /**
     * A job that ended without an image.
     *
     * @param reason what went wrong and what to do, as in its error record
     * @param record where its error record is, or null when none could be written
     * @param sink the place of the failed sink
     */
    public record FailedJob(String jobId, String source, String reason, String record, String sink) {
    }

    /**
     * The budget cap held the batch's last jobs back, and nothing but a new period or a higher cap lets them go on.
     *
     * @param countedUsd what the period's jobs count against the cap
     * @param cap the cap
     * @param jobsWaiting the jobs that were not sent: their files stay in the inbox
     * @param filesUnread whether job files were left unread too, as the jobs read already filled the queue
     */
    public record BudgetStop(BigDecimal countedUsd, BudgetCap cap, int jobsWaiting, boolean filesUnread) {
    }

    /**
     * A source whose last poll failed or was refused.
     *
     * @param source where it reads from, without options ({@code sftp://host:22/inbox})
     * @param reason why, in one line
     */
    public record SourceTrouble(String source, String reason) {
    }
}
