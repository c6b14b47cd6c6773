package dev.nanobanana.camel.job;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.nanobanana.camel.runpod.RunsyncRequest;

/** One validated image-edit job, with the defaults filled in: what will be sent to RunPod, and where it came from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EditJob(
        String id,
        String prompt,
        List<String> images,
        String resolution,
        @JsonProperty("aspect_ratio") String aspectRatio,
        @JsonProperty("output_format") String outputFormat,
        @JsonProperty("enable_base64_output") boolean enableBase64Output,
        String sourceFile) {

    public EditJob {
        images = List.copyOf(images);
    }

    /** The body that asks RunPod for this job. */
    public RunsyncRequest request() {
        return new RunsyncRequest(new RunsyncRequest.Input(images, prompt, resolution, aspectRatio, outputFormat,
                enableBase64Output));
    }

    /** The file extension of the image this job produces. */
    public String imageExtension() {
        return outputFormat;
    }
}
