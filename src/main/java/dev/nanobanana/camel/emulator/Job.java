package dev.nanobanana.camel.emulator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One emulated job: IN_QUEUE until its queue delay has passed, IN_PROGRESS after that, until it gets an outcome.
 * Thread-safe: the outcome is set once, by whichever of the worker and a cancel comes first.
 */
final class Job {

    private static final Logger LOG = LoggerFactory.getLogger(RunpodEmulator.class);

    private final String id;
    private final EditInput input;
    private final Optional<Fault> fault;
    private final long startNanos;
    private final CompletableFuture<JobOutcome> outcome = new CompletableFuture<>();

    Job(String id, EditInput input, Optional<Fault> fault, Duration queueDelay) {
        this.id = id;
        this.input = input;
        this.fault = fault;
        this.startNanos = System.nanoTime() + queueDelay.toNanos();
    }

    String id() {
        return id;
    }

    EditInput input() {
        return input;
    }

    /** The job fault injected for this job, if any. */
    Optional<Fault> fault() {
        return fault;
    }

    /** When the job left, or leaves, the queue, on the {@link System#nanoTime()} scale. */
    long startNanos() {
        return startNanos;
    }

    JobStatus status() {
        return outcome().map(JobOutcome::status).orElseGet(this::pendingStatus);
    }

    /** The state of a job that has not ended yet. */
    JobStatus pendingStatus() {
        return System.nanoTime() < startNanos ? JobStatus.IN_QUEUE : JobStatus.IN_PROGRESS;
    }

    Optional<JobOutcome> outcome() {
        return Optional.ofNullable(outcome.getNow(null));
    }

    /** The image of a completed job. */
    Optional<EncodedImage> image() {
        return outcome().filter(JobOutcome.Completed.class::isInstance)
                .map(completed -> ((JobOutcome.Completed) completed).image());
    }

    /** Ends the job unless it has ended already. */
    void end(JobOutcome result) {
        if (outcome.complete(result)) {
            LOG.info("Emulated job {} {}", id, result.status());
        }
    }

    /** Waits up to {@code window} for the job to end. */
    void awaitEnd(Duration window) throws InterruptedException {
        try {
            outcome.get(window.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // still running: the caller answers with the current state
        } catch (ExecutionException e) {
            throw new IllegalStateException("job outcomes are never exceptional", e);
        }
    }
}
