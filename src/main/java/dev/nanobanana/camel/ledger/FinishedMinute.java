package dev.nanobanana.camel.ledger;

import java.time.Instant;
import dev.nanobanana.camel.job.JobPhase;

/**
 * How many jobs ended in one phase (delivered or failed) within one minute.
 *
 * @param minute the minute's start
 */
public record FinishedMinute(Instant minute, JobPhase phase, long jobs) {
}
