package dev.nanobanana.camel.runpod;

import java.io.IOException;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads RunPod's answers into {@link RunpodResult}s, refusing what is not a job state we understand. */
public final class RunpodResponses {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    // ids end up in /status/{id} and /cancel/{id} URLs
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_-]{1,200}");
    private static final int SHOWN = 200;

    private RunpodResponses() {
    }

    public static RunpodResult parse(String body) throws RunpodProtocolException {
        JsonNode root;
        try {
            root = MAPPER.readTree(body == null ? "" : body);
        } catch (IOException e) {
            throw new RunpodProtocolException("RunPod answered with a body that is not JSON: " + excerpt(body));
        }
        if (root == null || !root.isObject()) {
            throw new RunpodProtocolException("RunPod answered with JSON that is not a job: " + excerpt(body));
        }
        RunpodStatus status = status(root, body);
        String id = root.path("id").asText(null);
        if (id == null || !JOB_ID.matcher(id).matches()) {
            throw new RunpodProtocolException("RunPod answered without a usable job id: " + excerpt(body));
        }
        return new RunpodResult(id, status,
                root.hasNonNull("delayTime") ? root.get("delayTime").asLong() : null,
                root.hasNonNull("executionTime") ? root.get("executionTime").asLong() : null,
                root.get("output"), root.get("error"));
    }

    /** Reads an error body (such as HTTP 400 with {@code status: FAILED}) if it is a RunPod job answer. */
    public static java.util.Optional<RunpodResult> tryParse(String body) {
        try {
            return java.util.Optional.of(parse(body));
        } catch (RunpodProtocolException e) {
            return java.util.Optional.empty();
        }
    }

    private static RunpodStatus status(JsonNode root, String body) throws RunpodProtocolException {
        String status = root.path("status").asText("");
        try {
            return RunpodStatus.valueOf(status);
        } catch (IllegalArgumentException e) {
            throw new RunpodProtocolException("RunPod answered with an unknown job status \"" + status + "\": "
                                              + excerpt(body));
        }
    }

    static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "(empty)";
        }
        String flat = body.strip().replaceAll("\\s+", " ");
        return flat.length() > SHOWN ? flat.substring(0, SHOWN) + "..." : flat;
    }
}
