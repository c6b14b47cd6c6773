package dev.nanobanana.emulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanobanana.camel.runpod.OutputFormat;
import dev.nanobanana.camel.runpod.PriceTable;
import dev.nanobanana.camel.runpod.RunpodStatus;

import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/** Writes a job as RunPod's JSON answer: id and status, and for an ended job its timings and output or error. */
final class JobView {

    private volatile Base64Style base64Style;

    JobView(Base64Style base64Style) {
        this.base64Style = base64Style;
    }

    void setBase64Style(Base64Style base64Style) {
        this.base64Style = Objects.requireNonNull(base64Style, "base64Style");
    }

    static ObjectNode state(String id, RunpodStatus status) {
        return JsonNodeFactory.instance.objectNode().put("id", id).put("status", status.name());
    }

    /** What RunPod answers to a request it rejects: a FAILED job that never ran. */
    static ObjectNode rejected(String id, String error) {
        return state(id, RunpodStatus.FAILED).put("error", error);
    }

    /** @param origin where the client reached the emulator, {@code http://host:port}: its image URLs start there */
    ObjectNode of(Job job, String origin) {
        Optional<JobOutcome> outcome = job.outcome();
        if (outcome.isEmpty()) {
            return state(job.id(), job.pendingStatus());
        }
        ObjectNode node = state(job.id(), outcome.get().status());
        if (outcome.get() instanceof JobOutcome.Completed completed) {
            node.put("delayTime", completed.delayMillis()).put("executionTime", completed.executionMillis());
            writeOutput(node.putObject("output"), job, completed.image(), origin);
        } else if (outcome.get() instanceof JobOutcome.Failed failed) {
            node.put("delayTime", failed.delayMillis()).put("executionTime", failed.executionMillis());
            node.put("error", failed.error());
        } else if (outcome.get() instanceof JobOutcome.TimedOut timedOut) {
            node.put("delayTime", timedOut.delayMillis()).put("executionTime", timedOut.executionMillis());
        }
        return node;
    }

    private void writeOutput(ObjectNode output, Job job, EncodedImage image, String origin) {
        OutputFormat format = image.format();
        if (!job.input().base64Output()) {
            output.put("image_url", origin + Route.IMAGES_PATH + job.id() + "." + format.wireName());
        } else {
            String base64 = Base64.getEncoder().encodeToString(image.bytes());
            switch (base64Style) {
                case DATA_URI_IN_IMAGE_URL -> output.put("image_url", "data:" + format.mediaType() + ";base64," + base64);
                case BARE_IN_RESULT -> output.put("result", base64);
                case BARE_IN_IMAGE_URL -> output.put("image_url", base64);
            }
        }
        output.put("cost", PriceTable.RUNPOD.priceOf(job.input().resolution()));
    }
}
