package dev.nanobanana.camel.ledger;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * What jobs cost: RunPod's price of each job with a result, summed per UTC day of its submission and per source, and
 * what the jobs that may be charging now will cost at most.
 *
 * @param days the days with a cost, in order of day and source
 * @param jobsInFlight jobs submitting or submitted, whose cost is not known yet
 * @param inFlightUsd their price by resolution, from the price table given
 */
public record Spending(List<DailyCost> days, long jobsInFlight, BigDecimal inFlightUsd) {

    public Spending {
        days = List.copyOf(days);
    }

    /** What the days together cost, in USD. */
    public BigDecimal totalUsd() {
        return days.stream().map(DailyCost::costUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** The jobs of one source submitted on one UTC day that have a cost, and its sum in USD. */
    public record DailyCost(LocalDate day, String source, long jobs, BigDecimal costUsd) {
    }
}
