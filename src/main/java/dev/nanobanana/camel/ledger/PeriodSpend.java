package dev.nanobanana.camel.ledger;

import java.math.BigDecimal;

/**
 * What the jobs of a budget period count against it.
 *
 * @param countedUsd everything they count: RunPod's cost of each, or the price of those in doubt or on their way
 * @param jobsInFlight jobs submitted and not answered with a cost yet
 * @param inFlightUsd their prices
 */
public record PeriodSpend(BigDecimal countedUsd, long jobsInFlight, BigDecimal inFlightUsd) {

    /** What was charged, or may have been (jobs in doubt): everything counted but the jobs in flight. */
    public BigDecimal spentUsd() {
        return countedUsd.subtract(inFlightUsd);
    }
}
