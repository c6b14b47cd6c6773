package dev.nanobanana.camel.ledger;

import java.time.Instant;
import java.util.Map;
import dev.nanobanana.camel.job.JobKey;
import dev.nanobanana.camel.job.JobPhase;
import dev.nanobanana.camel.job.JobState;

/**
 * A job as the ledger holds it: its state, the fingerprint of its request, what its route needs to finish it, and which
 * instance holds it until when.
 *
 * @param route what finishing the job needs after a restart, such as its sinks' endpoint URIs and its job file's folder
 * @param owner the instance that holds the job; others leave it alone until {@code leaseUntil}
 * @param finishedAt when the job was delivered or failed, if it was
 */
public record StoredJob(
        JobKey key,
        JobState state,
        String fingerprint,
        Map<String, String> route,
        String owner,
        Instant leaseUntil,
        Instant updatedAt,
        Instant finishedAt) {

    public StoredJob {
        route = Map.copyOf(route);
    }

    public JobPhase phase() {
        return state.phase();
    }

    boolean heldBy(String instance) {
        return instance.equals(owner);
    }

    boolean leaseExpiredAt(Instant now) {
        return leaseUntil == null || !leaseUntil.isAfter(now);
    }

    StoredJob takenBy(String instance, Instant until) {
        return new StoredJob(key, state, fingerprint, route, instance, until, updatedAt, finishedAt);
    }

    StoredJob withState(JobState changed) {
        return new StoredJob(key, changed, fingerprint, route, owner, leaseUntil, updatedAt, finishedAt);
    }
}
