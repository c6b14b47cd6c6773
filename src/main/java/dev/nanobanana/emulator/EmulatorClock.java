package dev.nanobanana.emulator;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Timers on one thread: what a job or a runsync waits for is a future the clock completes, not a blocked thread. */
final class EmulatorClock {

    private final ScheduledExecutorService scheduler;

    EmulatorClock(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /** Completes once {@code delay} has passed. */
    CompletableFuture<Void> after(Duration delay) {
        CompletableFuture<Void> over = new CompletableFuture<>();
        schedule(() -> over.complete(null), delay);
        return over;
    }

    /** Completes when {@code event} does or when {@code window} has passed, whichever comes first. */
    CompletableFuture<Void> firstOf(CompletionStage<?> event, Duration window) {
        CompletableFuture<Void> first = new CompletableFuture<>();
        ScheduledFuture<?> timeout = scheduler.schedule(() -> first.complete(null), window.toNanos(), TimeUnit.NANOSECONDS);
        event.whenComplete((result, failure) -> {
            timeout.cancel(false);
            first.complete(null);
        });
        return first;
    }

    void schedule(Runnable task, Duration delay) {
        scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
}
