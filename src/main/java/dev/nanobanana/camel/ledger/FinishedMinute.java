package dev.nanobanana.camel.ledger;

import java.time.Instant;

/**
 * How many jobs ended in one phase (delivered or failed) within one minute.
 *
 * @param minute the minute's start
 */
public record FinishedMinute(Instant minute, JobPhase phase, long jobs) {
}
