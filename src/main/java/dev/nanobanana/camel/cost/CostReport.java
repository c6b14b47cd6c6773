package dev.nanobanana.camel.cost;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.nanobanana.camel.json.Json;
import dev.nanobanana.camel.ledger.JobLedger;
import dev.nanobanana.camel.ledger.Spending;

/**
 * What was spent, from the job ledger, per UTC day and source, per source, and in all; beside it, the jobs in flight
 * and their prices. Each job counts RunPod's cost, or its price when it may have been charged without RunPod saying
 * what (in doubt); a failed job costs nothing. {@link #json()} is the form for an HTTP endpoint,
 * {@link #table()} the one {@code --costs} prints.
 */
public record CostReport(LocalDate firstDay, LocalDate lastDay, List<Spending.DailyCost> days,
        List<SourceCost> sources, BigDecimal totalUsd, long jobsInFlight, BigDecimal inFlightUsd) {


    /** What the jobs of one source cost over the report's days. */
    public record SourceCost(String source, long jobs, BigDecimal costUsd) {
    }

    /**
     * Everything the ledger says was spent, up to today (UTC), from the first day with a cost: for {@code --costs}, or
     * an HTTP endpoint ({@code json()}) on the ledger of {@code LedgerClerk#ledger()}.
     */
    public static CostReport read(JobLedger ledger, Clock clock) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Spending spending = ledger.spending(LocalDate.EPOCH, today);
        LocalDate firstDay = spending.days().stream().map(Spending.DailyCost::day).findFirst().orElse(today);
        return of(spending, firstDay, today);
    }

    /** The report on what the ledger says was spent from {@code firstDay} to {@code lastDay}, UTC days included. */
    public static CostReport of(Spending spending, LocalDate firstDay, LocalDate lastDay) {
        Map<String, SourceCost> bySource = new TreeMap<>();
        for (Spending.DailyCost day : spending.days()) {
            bySource.merge(day.source(), new SourceCost(day.source(), day.jobs(), day.costUsd()),
                    (a, b) -> new SourceCost(a.source(), a.jobs() + b.jobs(), a.costUsd().add(b.costUsd())));
        }
        return new CostReport(firstDay, lastDay, spending.days(), new ArrayList<>(bySource.values()),
                spending.totalUsd(), spending.jobsInFlight(), spending.inFlightUsd());
    }

    public long jobs() {
        return sources.stream().mapToLong(SourceCost::jobs).sum();
    }

    public String json() {
        try {
            return Json.PRETTY.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the cost report cannot be written as JSON", e);
        }
    }

    /** The report as plain text tables: per day and source, per source, the total, and what is in flight. */
    public String table() {
        StringBuilder text = new StringBuilder();
        text.append("Spent from ").append(firstDay).append(" to ").append(lastDay)
                .append(" (UTC days), from the job ledger:\n\n");
        int sourceWidth = Math.max("source".length(), sources.stream().mapToInt(s -> s.source().length()).max()
                .orElse(0));
        String dayRow = "%-10s  %-" + sourceWidth + "s  %6s  %10s%n";
        text.append(String.format(dayRow, "day", "source", "jobs", "USD"));
        for (Spending.DailyCost day : days) {
            text.append(String.format(dayRow, day.day(), day.source(), day.jobs(), usd(day.costUsd())));
        }
        String sourceRow = "%-" + (sourceWidth + 12) + "s  %6s  %10s%n";
        text.append('\n').append(String.format(sourceRow, "per source", "jobs", "USD"));
        for (SourceCost source : sources) {
            text.append(String.format(sourceRow, source.source(), source.jobs(), usd(source.costUsd())));
        }
        text.append(String.format(sourceRow, "total", jobs(), usd(totalUsd)));
        text.append(String.format("%nIn flight (submitted, cost not known yet): %d job(s), %s USD at their price%n",
                jobsInFlight, usd(inFlightUsd)));
        return text.toString();
    }

    private static String usd(BigDecimal amount) {
        return amount.signum() == 0 ? "0" : amount.stripTrailingZeros().toPlainString();
    }
}
