package dev.nanobanana.camel.ledger;

import java.time.Instant;

/**
 * What the ledger answers when a source offers it a job: whether this instance runs it now, and the job as stored.
 *
 * @param job the job as stored after the admission: the new row for {@link Verdict#NEW} and {@link Verdict#RERUN}, the
 *        row found for the others
 * @param takenFrom for a {@link Verdict#RERUN} of a job received and never sent by another instance whose lease ran
 *        out: that instance; otherwise null
 */
public record Admission(Verdict verdict, StoredJob job, String takenFrom) {

    Admission(Verdict verdict, StoredJob job) {
        this(verdict, job, null);
    }

    /** Whether the job is this instance's to submit now. */
    public boolean mayRun() {
        return verdict == Verdict.NEW || verdict == Verdict.RERUN;
    }

    public enum Verdict {
        /** The key was unknown; the job is recorded as received and held by the caller. */
        NEW,
        /**
         * A failed job, or one received but never submitted whose instance stopped renewing its lease: it was reset to
         * the offered state, request included, and is held by the caller.
         */
        RERUN,
        /** The same request was delivered already; nothing changed. */
        DONE,
        /**
         * The same request is on its way, or was received (here or by another instance) and waits to be submitted; it
         * is never submitted again from this offer.
         */
        RUNNING,
        /** The key belongs to another request that was delivered or is on its way; nothing changed. */
        ID_IN_USE,
        /**
         * The same request failed with its outcome unknown: it may have run at RunPod, and been paid for. It is never
         * submitted again under this key.
         */
        IN_DOUBT;

        /**
         * The rule for a key the ledger knows already. A failed job or one never submitted costs nothing to run again;
         * one that may have reached RunPod is never sent twice. A job received and not submitted yet is its holder's
         * until the holder stops renewing its lease, even when the holder is the caller: the caller holds it in another
         * file, and a restart lets go of what the instance held before ({@link JobLedger#releaseUnsent}).
         */
        static Verdict on(StoredJob known, String fingerprint, String owner, Instant now) {
            boolean sameRequest = known.fingerprint().equals(fingerprint);
            return switch (known.phase()) {
                case DELIVERED -> sameRequest ? DONE : ID_IN_USE;
                case FAILED -> known.state().inDoubt() && sameRequest ? IN_DOUBT : RERUN;
                case RECEIVED -> !known.heldBy(owner) && known.leaseExpiredAt(now) ? RERUN
                        : sameRequest ? RUNNING : ID_IN_USE;
                case SUBMITTING, SUBMITTED, RESULT_RECEIVED -> sameRequest ? RUNNING : ID_IN_USE;
            };
        }
    }
}
