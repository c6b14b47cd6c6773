package dev.nanobanana.camel.job;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * How the job's way is going: the step it is in (a failure says which failed), the attempts made at the step that
 * failed last and since when it has been failing, the polls so far and when polling began, the price counted against
 * the budget for its submit, and whether RunPod's job was cancelled when the job was given up on.
 *
 * @param countedUsd the price counted for the submit; null once the submit may have reached RunPod without an answer,
 *        so that one sent again is counted again
 */
public record JobProgress(
        JobStep step,
        int attempts,
        Instant failingSince,
        int polls,
        Instant pollStarted,
        BigDecimal countedUsd,
        boolean cancelled) {

    public static final JobProgress START = new JobProgress(JobStep.READ, 1, null, 0, null, null, false);

    public JobProgress at(JobStep now) {
        return new JobProgress(now, attempts, failingSince, polls, pollStarted, countedUsd, cancelled);
    }

    /** The step failed: the {@code attempt}th time, the first at {@code now} unless it failed before. */
    public JobProgress failedAttempt(int attempt, Instant now) {
        return new JobProgress(step, attempt, failingSince != null ? failingSince : now, polls, pollStarted,
                countedUsd, cancelled);
    }

    /** A step went through: the next one starts with a full set of attempts. */
    public JobProgress stepSucceeded() {
        return new JobProgress(step, attempts, null, polls, pollStarted, countedUsd, cancelled);
    }

    public JobProgress polled(Instant startedAt) {
        return new JobProgress(step, attempts, failingSince, polls + 1, pollStarted != null ? pollStarted : startedAt,
                countedUsd, cancelled);
    }

    public JobProgress pollingFrom(Instant startedAt) {
        return new JobProgress(step, attempts, failingSince, polls, pollStarted != null ? pollStarted : startedAt,
                countedUsd, cancelled);
    }

    public JobProgress counted(BigDecimal usd) {
        return new JobProgress(step, attempts, failingSince, polls, pollStarted, usd, cancelled);
    }

    public JobProgress cancelledAsGivenUp() {
        return new JobProgress(step, attempts, failingSince, polls, pollStarted, countedUsd, true);
    }
}
