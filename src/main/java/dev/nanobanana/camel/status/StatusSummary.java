package dev.nanobanana.camel.status;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * What the status page shows, as its JSON ({@code /status/api/summary.json}).
 *
 * @param since the start of the runtime
 * @param lastHour one bar a minute, the oldest first, the current minute last
 * @param completed the newest delivered jobs, the newest first
 * @param failures the newest failed jobs, the newest first
 */
public record StatusSummary(Instant now, Instant since, Counts counts, Spend spend, List<Minute> lastHour,
        List<Completed> completed, List<Failed> failures) {

    /**
     * @param endedSince the start of today (UTC): {@code completed} and {@code failed} count the jobs that ended since,
     *        whichever instance or start of the runtime ran them
     * @param waiting read and admitted, not submitted yet; {@code inFlight}: submitted, not delivered yet
     */
    public record Counts(Instant endedSince, long waiting, long inFlight, long completed, long failed) {
    }

    /**
     * @param todayUsd what RunPod charged for the jobs submitted today (UTC)
     * @param totalUsd what it charged for every job in the ledger
     */
    public record Spend(BigDecimal todayUsd, BigDecimal totalUsd) {
    }

    public record Minute(Instant minute, long completed, long failed) {
    }

    /**
     * @param image the image's URL on this page, or null when its sink is not a folder here
     * @param record its record's URL, or null
     * @param sink where the image went
     * @param seconds from being read to being delivered
     */
    public record Completed(String source, String id, String prompt, String resolution, BigDecimal costUsd,
            Instant finishedAt, Long seconds, String image, String record, String sink) {
    }

    /** @param record its error record's URL, or null when its failed sink is not a folder here */
    public record Failed(String source, String id, String reason, String step, Instant finishedAt, String record) {
    }
}
