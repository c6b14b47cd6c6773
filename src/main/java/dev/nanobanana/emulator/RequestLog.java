package dev.nanobanana.emulator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The requests the emulator received: a count per operation since it started, and the latest few in full for tests
 * to check. Only the latest are kept, as bodies can be megabytes of data URIs.
 */
final class RequestLog {

    private final int capacity;
    private final Deque<RecordedRequest> latest = new ArrayDeque<>();
    private final Map<Operation, LongAdder> counts = new EnumMap<>(Operation.class);

    RequestLog(int capacity) {
        this.capacity = capacity;
        for (Operation operation : Operation.values()) {
            counts.put(operation, new LongAdder());
        }
    }

    /** Counts the request and keeps it, made only if it is kept. */
    void add(Operation operation, Supplier<RecordedRequest> request) {
        counts.get(operation).increment();
        if (capacity == 0) {
            return;
        }
        RecordedRequest recorded = request.get();
        synchronized (latest) {
            if (latest.size() == capacity) {
                latest.removeFirst();
            }
            latest.addLast(recorded);
        }
    }

    List<RecordedRequest> latest() {
        synchronized (latest) {
            return List.copyOf(latest);
        }
    }

    Map<Operation, Long> counts() {
        Map<Operation, Long> snapshot = new EnumMap<>(Operation.class);
        counts.forEach((operation, count) -> snapshot.put(operation, count.sum()));
        return snapshot;
    }
}
