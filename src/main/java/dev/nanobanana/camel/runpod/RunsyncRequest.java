package dev.nanobanana.camel.runpod;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.nanobanana.camel.json.Json;


/** The JSON body of {@code POST /runsync}: {@code {"input": {...}}} with the API's own field names. */
public record RunsyncRequest(Input input) {

    /** Above this RunPod refuses a runsync body (docs/runpod-api.md); inline data: images count against it. */
    public static final int MAX_BYTES = SubmitMode.RUNSYNC.maxBodyBytes();


    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Input(
            List<String> images,
            String prompt,
            String resolution,
            @JsonProperty("aspect_ratio") String aspectRatio,
            @JsonProperty("output_format") String outputFormat,
            @JsonProperty("enable_base64_output") boolean enableBase64Output) {
    }

    /** How many bytes the request takes as JSON, counted without holding a copy of it. */
    public static int sizeInBytes(RunsyncRequest request) throws IOException {
        long[] count = {0};
        Json.MAPPER.writeValue(new OutputStream() {
            @Override
            public void write(int b) {
                count[0]++;
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                count[0] += length;
            }
        }, request);
        return (int) Math.min(Integer.MAX_VALUE, count[0]);
    }

    /** The same request with other image references, such as the URLs that go on the wire. */
    public RunsyncRequest withImages(List<String> images) {
        return new RunsyncRequest(new Input(images, input.prompt(), input.resolution(), input.aspectRatio(),
                input.outputFormat(), input.enableBase64Output()));
    }
}
