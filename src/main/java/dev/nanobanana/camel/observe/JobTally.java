package dev.nanobanana.camel.observe;

import java.math.BigDecimal;


/** The counts behind the progress line, since the start: jobs taken on, ended, done and failed, and what they cost. */
public final class JobTally {

    private long started;
    private long ended;
    private long done;
    private long failed;
    private BigDecimal spentUsd = BigDecimal.ZERO;
    private long busySinceNanos = System.nanoTime();
    private volatile JobQueue queue;

    /**
     * @param started jobs taken on
     * @param ended jobs whose exchange ended: done, failed, or not run (delivered already, left for the next start)
     * @param done jobs that reached the completed sink
     * @param failed jobs whose error record reached the failed sink
     * @param spentUsd what RunPod charged for them
     * @param inFlight jobs between submission and a kept image now
     * @param waiting jobs waiting to be submitted now: for a slot, or for the budget
     * @param waitingForBudget those of them that the budget cap holds back
     * @param busySinceNanos {@link System#nanoTime()} when jobs were last taken on with none pending before
     */
    public record Counts(long started, long ended, long done, long failed, BigDecimal spentUsd, int inFlight,
            int waiting, int waitingForBudget, long busySinceNanos) {

        /** Jobs taken on that have not ended yet. */
        public long toGo() {
            return started - ended;
        }
    }

    void watch(JobQueue queue) {
        this.queue = queue;
    }

    synchronized void started() {
        if (started == ended) {
            busySinceNanos = System.nanoTime();
        }
        started++;
    }

    synchronized void ended() {
        ended++;
    }

    synchronized void completed(BigDecimal cost) {
        done++;
        spentUsd = spentUsd.add(cost);
    }

    synchronized void failed(BigDecimal cost) {
        failed++;
        spentUsd = spentUsd.add(cost);
    }

    Counts counts() {
        JobQueue watched = queue;
        int holdingSlots = watched == null ? 0 : watched.holdingSlots().getAsInt();
        int waitingForSlot = watched == null ? 0 : watched.waitingForSlot().getAsInt();
        int waitingForBudget = watched == null ? 0 : watched.waitingForBudget().getAsInt();
        // a job waits for the budget holding the slot it took to be submitted: it is not at RunPod, so not in flight
        int inFlight = Math.max(0, holdingSlots - waitingForBudget);
        synchronized (this) {
            return new Counts(started, ended, done, failed, spentUsd, inFlight, waitingForSlot + waitingForBudget,
                    waitingForBudget, busySinceNanos);
        }
    }
}
