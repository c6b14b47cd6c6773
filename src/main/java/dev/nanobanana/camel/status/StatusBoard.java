package dev.nanobanana.camel.status;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.nanobanana.camel.job.EditJob;
import dev.nanobanana.camel.ledger.FinishedMinute;
import dev.nanobanana.camel.ledger.JobLedger;
import dev.nanobanana.camel.job.JobPhase;
import dev.nanobanana.camel.ledger.StoredJob;
import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.settings.PublicText;

/** Reads what the status page shows from the job ledger (and, for failures, their error records). */
final class StatusBoard {

    static final int NEWEST = 12;

    private final JobLedger ledger;
    private final PublicText text;
    private final Clock clock;
    private final Instant since;

    StatusBoard(JobLedger ledger, PublicText text, Clock clock, Instant since) {
        this.ledger = ledger;
        this.text = text;
        this.clock = clock;
        this.since = since;
    }

    StatusSummary summary() {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        // the day, as the spend: what a restart leaves the same, as it leaves the tiles, the chart and the spend
        Instant startOfToday = today.atStartOfDay(ZoneOffset.UTC).toInstant();
        Map<JobPhase, Long> phases = ledger.countPerPhase(startOfToday);
        StatusSummary.Counts counts = new StatusSummary.Counts(startOfToday,
                phases.getOrDefault(JobPhase.RECEIVED, 0L),
                phases.getOrDefault(JobPhase.SUBMITTING, 0L) + phases.getOrDefault(JobPhase.SUBMITTED, 0L)
                        + phases.getOrDefault(JobPhase.RESULT_RECEIVED, 0L),
                phases.getOrDefault(JobPhase.DELIVERED, 0L),
                phases.getOrDefault(JobPhase.FAILED, 0L));
        StatusSummary.Spend spend = new StatusSummary.Spend(
                ledger.spending(today, today).totalUsd(),
                ledger.totalCostUsd());
        return new StatusSummary(now, since, counts, spend, lastHour(now),
                ledger.newestFinished(JobPhase.DELIVERED, NEWEST).stream().map(this::completed).toList(),
                ledger.newestFinished(JobPhase.FAILED, NEWEST).stream().map(this::failed).toList());
    }

    private List<StatusSummary.Minute> lastHour(Instant now) {
        Instant thisMinute = now.truncatedTo(ChronoUnit.MINUTES);
        Instant first = thisMinute.minus(Duration.ofMinutes(59));
        Map<Instant, long[]> minutes = new LinkedHashMap<>();
        for (Instant minute = first; !minute.isAfter(thisMinute); minute = minute.plus(Duration.ofMinutes(1))) {
            minutes.put(minute, new long[2]);
        }
        for (FinishedMinute finished : ledger.finishedPerMinute(first)) {
            long[] bar = minutes.get(finished.minute());
            if (bar != null) {
                bar[finished.phase() == JobPhase.DELIVERED ? 0 : 1] += finished.jobs();
            }
        }
        List<StatusSummary.Minute> bars = new ArrayList<>();
        minutes.forEach((minute, bar) -> bars.add(new StatusSummary.Minute(minute, bar[0], bar[1])));
        return bars;
    }

    private StatusSummary.Completed completed(StoredJob stored) {
        EditJob job = stored.state().job();
        RunpodResult result = stored.state().result();
        Instant received = stored.state().receivedAt();
        return new StatusSummary.Completed(stored.key().source(), stored.key().jobId(),
                job == null ? null : text.of(job.prompt()),
                job == null ? null : job.resolution(),
                result == null ? null : result.cost().orElse(null),
                stored.finishedAt(),
                received == null || stored.finishedAt() == null ? null
                        : Duration.between(received, stored.finishedAt()).toSeconds(),
                JobResults.image(stored).isPresent() ? link("images", stored) : null,
                JobResults.record(stored).isPresent() ? link("records", stored) : null,
                text.of(JobResults.completedSink(stored)));
    }

    private StatusSummary.Failed failed(StoredJob stored) {
        JobResults.Failure failure = JobResults.failure(stored);
        return new StatusSummary.Failed(stored.key().source(), stored.key().jobId(), text.of(failure.reason()),
                text.of(failure.step()), stored.finishedAt(),
                JobResults.record(stored).isPresent() ? link("records", stored) : null);
    }

    static String link(String kind, StoredJob stored) {
        return "/status/" + kind + "/" + segment(stored.key().source()) + "/" + segment(stored.key().jobId());
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
