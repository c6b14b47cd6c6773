package dev.nanobanana.camel.ledger;

import java.math.BigDecimal;

/**
 * The ledger's answer when a job is to be counted against the budget before its submit.
 *
 * @param made whether the job fits and is counted: it may be submitted now
 * @param countedUsd what the period's jobs count, with this job if it was counted
 */
public record Reservation(boolean made, BigDecimal countedUsd) {
}
