package dev.nanobanana.emulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The emulated serverless worker: works out how a job ends, with a failure or an image. The image is made and the
 * inputs are checked while the job runs, so the job ends as soon as its run time is over and its work is done.
 */
final class JobWorker {

    private static final Logger LOG = LoggerFactory.getLogger(RunpodEmulator.class);
    private static final int SHOWN_DATA_URI = 48;

    private final OutputImages images;
    private final InputImages inputs;
    private final long queueDelayMillis;

    JobWorker(OutputImages images, InputImages inputs, long queueDelayMillis) {
        this.images = images;
        this.inputs = inputs;
        this.queueDelayMillis = queueDelayMillis;
    }

    CompletableFuture<JobOutcome> outcomeOf(Job job, CompletableFuture<Void> runTimeOver) {
        if (job.fault().orElse(null) instanceof Fault.JobTimesOut) {
            return runTimeOver.thenApply(over -> new JobOutcome.TimedOut(queueDelayMillis, millisSince(job.startNanos())));
        }
        EditInput input = job.input();
        Optional<String> knownError = knownError(job);
        CompletableFuture<Optional<String>> error = knownError.isPresent()
                ? CompletableFuture.completedFuture(knownError)
                : inputs.firstUnreadable(input.images()).thenApply(image -> image.map(JobWorker::invalidImage));
        CompletableFuture<EncodedImage> image = knownError.isPresent()
                ? CompletableFuture.completedFuture(null)
                : images.imageFor(input);
        return runTimeOver
                .thenCompose(over -> error)
                .thenCompose(failure -> failure.isPresent()
                        ? CompletableFuture.completedFuture(failed(job, failure.get()))
                        : image.handle((made, renderFailure) -> made != null
                                ? new JobOutcome.Completed(made, queueDelayMillis, millisSince(job.startNanos()))
                                : renderFailed(job, renderFailure)));
    }

    /** A failure known without any work: an injected one, or an image URL that can never resolve. */
    private static Optional<String> knownError(Job job) {
        if (job.fault().orElse(null) instanceof Fault.JobFails fails) {
            return Optional.of(fails.error());
        }
        return job.input().images().stream().filter(JobWorker::hasInvalidHost).findFirst().map(JobWorker::invalidImage);
    }

    private JobOutcome failed(Job job, String error) {
        return new JobOutcome.Failed(error, queueDelayMillis, millisSince(job.startNanos()));
    }

    private JobOutcome renderFailed(Job job, Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof UncheckedIOException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        LOG.warn("Job {} could not render its image", job.id(), cause);
        return failed(job, "Image generation failed: " + cause.getMessage());
    }

    /** Hosts under the reserved .invalid TLD (RFC 2606) give users a job that fails the same way every time. */
    private static boolean hasInvalidHost(String image) {
        if (image.startsWith("data:")) {
            return false;
        }
        String host = URI.create(image).getHost().toLowerCase(Locale.ROOT);
        return host.equals("invalid") || host.endsWith(".invalid");
    }

    /**
     * The error text RunPod gives when the model provider rejects an input image: its JSON answer nested in the text.
     * A data URI is cut short, as it may be megabytes long.
     */
    private static String invalidImage(String image) {
        String shown = image.startsWith("data:") && image.length() > SHOWN_DATA_URI
                ? image.substring(0, SHOWN_DATA_URI) + "..."
                : image;
        ObjectNode providerAnswer = JsonNodeFactory.instance.objectNode()
                .put("code", 400).put("message", "Invalid image URL in images array: " + shown);
        return "Error submitting task: 400, " + providerAnswer;
    }

    private static long millisSince(long nanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos));
    }
}
