package dev.nanobanana.camel.settings;

import java.time.LocalDate;
import java.util.Locale;

/** What the budget cap counts: the current UTC day, the current UTC month, or everything the ledger holds. */
public enum BudgetPeriod {
    DAY("this UTC day"),
    MONTH("this UTC month"),
    TOTAL("in all");

    private final String description;

    BudgetPeriod(String description) {
        this.description = description;
    }

    /** The first UTC day the period counts, on {@code today}. */
    public LocalDate start(LocalDate today) {
        return switch (this) {
            case DAY -> today;
            case MONTH -> today.withDayOfMonth(1);
            case TOTAL -> LocalDate.EPOCH;
        };
    }

    /** How a log line says the period: "this UTC day". */
    public String description() {
        return description;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BudgetPeriod of(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("nanobanana.budget.period must be day, month or total, not \"" + text
                                               + "\"");
        }
    }
}
