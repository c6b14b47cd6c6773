package dev.nanobanana.camel.ledger;

import java.math.BigDecimal;

import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.runpod.RunpodStatus;
import dev.nanobanana.camel.job.JobPhase;
import dev.nanobanana.camel.job.JobState;

/**
 * What a submitted job counts against the budget as its state changes. From its submit on it counts its price; RunPod's
 * cost replaces the price once RunPod says it; a job RunPod failed, or whose submit surely never reached RunPod, counts
 * nothing, as RunPod charges no failed generation. Anything else (in doubt, cancelled, timed out, completed without a
 * cost) keeps its price: it may have been charged.
 */
final class JobCharge {

    private JobCharge() {
    }

    /** Whether this state may change what the job counts, so that the ledger must look at it. */
    static boolean maySettle(JobState state) {
        RunpodResult result = state.result();
        return state.phase() == JobPhase.FAILED
               || result != null && (result.cost().isPresent() || result.status() == RunpodStatus.FAILED);
    }

    /**
     * What the job counts in this state, given what it counted so far; {@code null} for a job never submitted, which
     * counts nothing and never will in this run.
     */
    static BigDecimal settle(JobState state, BigDecimal counted) {
        if (counted == null) {
            return null;
        }
        RunpodResult result = state.result();
        if (result != null && result.cost().isPresent()) {
            return result.cost().get();
        }
        if (result != null && result.status() == RunpodStatus.FAILED) {
            return BigDecimal.ZERO;
        }
        if (state.phase() == JobPhase.FAILED && result == null && !state.inDoubt()) {
            return BigDecimal.ZERO;
        }
        return counted;
    }
}
