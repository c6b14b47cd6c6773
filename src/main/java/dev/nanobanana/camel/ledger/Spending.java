package dev.nanobanana.camel.ledger;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * What jobs cost, per UTC day of their submission and per source: RunPod's cost of each job, or its price when it may
 * have been charged without RunPod saying so (in doubt, or no cost in the answer); a failed job costs nothing. Beside
 * it, the jobs still in flight: submitted, not answered with a cost yet.
 *
 * @param days the days with a cost, in order of day and source
 * @param jobsInFlight jobs submitting or submitted, whose cost is not known yet
 * @param inFlightUsd their prices
 */
public record Spending(List<DailyCost> days, long jobsInFlight, BigDecimal inFlightUsd) {

    public Spending {
        days = List.copyOf(days);
    }

    /** What the days together cost, in USD. */
    public BigDecimal totalUsd() {
        return days.stream().map(DailyCost::costUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** What the jobs of one source submitted on one UTC day cost, in USD, and how many they are. */
    public record DailyCost(LocalDate day, String source, long jobs, BigDecimal costUsd) {
    }
}
