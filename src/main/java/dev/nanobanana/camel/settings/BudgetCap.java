package dev.nanobanana.camel.settings;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * The most the runtime may spend in a period, in USD: jobs charged, jobs that may have been charged, and jobs on their
 * way together. No cap when {@code maxUsd} is empty.
 */
public record BudgetCap(Optional<BigDecimal> maxUsd, BudgetPeriod period) {

    public static BudgetCap none() {
        return new BudgetCap(Optional.empty(), BudgetPeriod.DAY);
    }

    /** The cap as a user wrote it: "0.30 USD per UTC day", or "no cap". */
    @Override
    public String toString() {
        return maxUsd.map(max -> max.toPlainString() + " USD " + switch (period) {
            case DAY -> "per UTC day";
            case MONTH -> "per UTC month";
            case TOTAL -> "in all";
        }).orElse("no cap");
    }
}
