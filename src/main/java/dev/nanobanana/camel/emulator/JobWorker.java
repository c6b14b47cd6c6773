package dev.nanobanana.camel.emulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The emulated serverless worker: ends a job that has run its time, with a failure or an image. */
final class JobWorker {

    private static final Logger LOG = LoggerFactory.getLogger(RunpodEmulator.class);

    private final PromptImageRenderer renderer = new PromptImageRenderer();
    private final long queueDelayMillis;

    JobWorker(long queueDelayMillis) {
        this.queueDelayMillis = queueDelayMillis;
    }

    void finish(Job job) {
        if (job.outcome().isPresent()) {
            return;
        }
        job.end(outcomeOf(job));
    }

    private JobOutcome outcomeOf(Job job) {
        if (job.fault().orElse(null) instanceof Fault.JobFails fails) {
            return failed(job, fails.error());
        }
        Optional<String> invalidImage = job.input().images().stream().filter(JobWorker::hasInvalidHost).findFirst();
        if (invalidImage.isPresent()) {
            return failed(job, submissionError("Invalid image URL in images array: " + invalidImage.get()));
        }
        try {
            EncodedImage image = renderer.render(job.input());
            return new JobOutcome.Completed(image, queueDelayMillis, millisSince(job.startNanos()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Job {} could not render its image", job.id(), e);
            return failed(job, "Image generation failed: " + e.getMessage());
        }
    }

    private JobOutcome failed(Job job, String error) {
        return new JobOutcome.Failed(error, queueDelayMillis, millisSince(job.startNanos()));
    }

    /** Hosts under the reserved .invalid TLD (RFC 2606) give users a job that fails the same way every time. */
    private static boolean hasInvalidHost(String image) {
        if (image.startsWith("data:")) {
            return false;
        }
        String host = URI.create(image).getHost().toLowerCase(Locale.ROOT);
        return host.equals("invalid") || host.endsWith(".invalid");
    }

    /** The error text RunPod gives when the model provider rejects a task: its JSON answer nested in the text. */
    private static String submissionError(String message) {
        ObjectNode providerAnswer = JsonNodeFactory.instance.objectNode().put("code", 400).put("message", message);
        return "Error submitting task: 400, " + providerAnswer;
    }

    private static long millisSince(long nanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos));
    }
}
