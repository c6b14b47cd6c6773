package dev.nanobanana.emulator;

import dev.nanobanana.camel.runpod.RunpodStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One emulated job: IN_QUEUE until its queue delay has passed, IN_PROGRESS after that, until it gets an outcome.
 * Thread-safe: the outcome is set once, by whichever of the worker and a cancel comes first.
 */
final class Job {

    private static final Logger LOG = LoggerFactory.getLogger(RunpodEmulator.class);

    private final String id;
    private final Operation submittedBy;
    private final Optional<Fault> fault;
    private final long startNanos;
    private final CompletableFuture<JobOutcome> outcome = new CompletableFuture<>();
    private final AtomicBoolean imageDelivered = new AtomicBoolean();
    private volatile EditInput input;

    Job(String id, Operation submittedBy, EditInput input, Optional<Fault> fault, Duration queueDelay) {
        this.id = id;
        this.submittedBy = submittedBy;
        this.input = input;
        this.fault = fault;
        this.startNanos = System.nanoTime() + queueDelay.toNanos();
    }

    String id() {
        return id;
    }

    /** RUNSYNC or RUN: RunPod keeps their results for different times. */
    Operation submittedBy() {
        return submittedBy;
    }

    /** The input; once the job has ended, without its images. */
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

    RunpodStatus status() {
        return outcome().map(JobOutcome::status).orElseGet(this::pendingStatus);
    }

    /** The state of a job that has not ended yet. */
    RunpodStatus pendingStatus() {
        return System.nanoTime() < startNanos ? RunpodStatus.IN_QUEUE : RunpodStatus.IN_PROGRESS;
    }

    Optional<JobOutcome> outcome() {
        return Optional.ofNullable(outcome.getNow(null));
    }

    /** Completes when the job ends, however it ends. */
    CompletionStage<JobOutcome> ended() {
        return outcome.minimalCompletionStage();
    }

    /** The image of a completed job. */
    Optional<EncodedImage> image() {
        return outcome().filter(JobOutcome.Completed.class::isInstance)
                .map(completed -> ((JobOutcome.Completed) completed).image());
    }

    /** Ends the job unless it has ended already; tells whether this call ended it. */
    boolean end(JobOutcome result) {
        if (!outcome.complete(result)) {
            return false;
        }
        input = input.withoutImages();
        LOG.info("Emulated job {} {}", id, result.status());
        return true;
    }

    /** Notes that the image went out, by download or inline; tells whether it is the first time. */
    boolean firstDelivery() {
        return imageDelivered.compareAndSet(false, true);
    }
}
