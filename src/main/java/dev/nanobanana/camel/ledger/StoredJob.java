package dev.nanobanana.camel.ledger;

import java.time.Instant;
import dev.nanobanana.camel.job.JobKey;
import dev.nanobanana.camel.job.JobPhase;
import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.job.JobRoute;

/**
 * A job as the ledger holds it: its state (with its route: what finishing it after a restart needs), the fingerprint
 * of its request, and which instance holds it until when.
 *
 * @param owner the instance that holds the job; others leave it alone until {@code leaseUntil}
 * @param finishedAt when the job was delivered or failed, if it was
 */
public record StoredJob(
        JobKey key,
        JobState state,
        String fingerprint,
        String owner,
        Instant leaseUntil,
        Instant updatedAt,
        Instant finishedAt) {

    public JobPhase phase() {
        return state.phase();
    }

    /** Where the job's results go, and where its images were read from. */
    public JobRoute route() {
        return state.route();
    }

    boolean heldBy(String instance) {
        return instance.equals(owner);
    }

    boolean leaseExpiredAt(Instant now) {
        return leaseUntil == null || !leaseUntil.isAfter(now);
    }

    StoredJob takenBy(String instance, Instant until) {
        return new StoredJob(key, state, fingerprint, instance, until, updatedAt, finishedAt);
    }

    StoredJob withState(JobState changed) {
        return new StoredJob(key, changed, fingerprint, owner, leaseUntil, updatedAt, finishedAt);
    }
}
