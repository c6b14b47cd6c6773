package dev.nanobanana.camel.sink;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import dev.nanobanana.camel.runpod.RunpodStatus;
import dev.nanobanana.camel.runpod.RunsyncRequest;

/**
 * The record of a job that did not end in an image: a reason a person can act on, what RunPod said, how many
 * attempts were made, and the job itself, so that it can be fixed and dropped again. A job whose image was paid
 * for but could not be delivered names where the image is kept ({@code keptImage}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorRecord(
        String jobId,
        String reason,
        String step,
        Integer httpStatus,
        String runpodId,
        RunpodStatus runpodStatus,
        String runpodError,
        JsonNode runpodErrorDetail,
        int attempts,
        String imageUrl,
        String keptImage,
        JsonNode job,
        RunsyncRequest request,
        String sourceFile,
        Instant failedAt,
        String exception) {
}
