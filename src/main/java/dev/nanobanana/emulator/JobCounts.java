package dev.nanobanana.emulator;

import dev.nanobanana.camel.runpod.RunpodStatus;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Running totals of jobs since the emulator started: how many are in flight, the most at once, how they ended. */
final class JobCounts {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final Map<RunpodStatus, LongAdder> ended = new EnumMap<>(RunpodStatus.class);

    JobCounts() {
        for (RunpodStatus status : RunpodStatus.values()) {
            ended.put(status, new LongAdder());
        }
    }

    void started() {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
    }

    void end(RunpodStatus status) {
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
    long ended(RunpodStatus status) {
        return ended.get(status).sum();
    }
}
