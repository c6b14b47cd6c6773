package dev.nanobanana.emulator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The injected faults waiting for their operation, first in first out. A fault that shapes a job stays at the
 * head until a request of its operation actually creates one, so a rejected request does not use it up.
 */
final class FaultQueue {

    private final Map<Operation, Deque<Fault>> waiting = new EnumMap<>(Operation.class);

    synchronized void add(FaultSpec spec) {
        waiting.computeIfAbsent(spec.operation(), operation -> new ArrayDeque<>()).addLast(spec.fault());
    }

    synchronized void clear() {
        waiting.clear();
    }

    /** The next fault of the operation if it replaces the answer. */
    synchronized Optional<Fault> takeAnswerFault(Operation operation) {
        return takeIf(operation, false);
    }

    /** The next fault of the operation if it shapes the job the request creates. */
    synchronized Optional<Fault> takeJobFault(Operation operation) {
        return takeIf(operation, true);
    }

    private Optional<Fault> takeIf(Operation operation, boolean shapesJob) {
        Deque<Fault> faults = waiting.get(operation);
        if (faults == null || faults.isEmpty() || faults.peekFirst().shapesJob() != shapesJob) {
            return Optional.empty();
        }
        return Optional.of(faults.removeFirst());
    }
}
