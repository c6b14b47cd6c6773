package dev.nanobanana.emulator;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Running totals of jobs since the emulator started: how many are in flight, the most at once, how they ended. */
final class JobCounts {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final Map<JobStatus, LongAdder> ended = new EnumMap<>(JobStatus.class);

    JobCounts() {
        for (JobStatus status : JobStatus.values()) {
            ended.put(status, new LongAdder());
        }
    }

    void started() {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
    }

    void end(JobStatus status) {
        inFlight.decrementAndGet();
        ended.get(status).increment();
    }

    /** Jobs accepted that have not ended, IN_QUEUE or IN_PROGRESS. */
    int inFlight() {
        return inFlight.get();
    }

    /** The most jobs that were in flight at once. */
    int maxInFlight() {
        return maxInFlight.get();
    }

    /** Jobs that ended in {@code status}. */
    long ended(JobStatus status) {
        return ended.get(status).sum();
    }
}
