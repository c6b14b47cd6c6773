package dev.nanobanana.camel.runpod;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.nanobanana.camel.json.Json;

/** Reads RunPod's answers into {@link RunpodResult}s, refusing what is not a job state we understand. */
public final class RunpodResponses {

    // ids end up in /status/{id} and /cancel/{id} URLs
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_-]{1,200}");
    private static final int SHOWN = 200;

    private RunpodResponses() {
    }

    public static RunpodResult parse(String body) throws RunpodProtocolException {
        try {
            return read(AnswerBody.of(body == null ? "" : body)).result();
        } catch (IOException e) {
            throw new RunpodProtocolException("RunPod's answer could not be read: " + e.getMessage());
        }
    }

    /**
     * Reads an answer. A base64 image in it is left out of the result's output, which then says how long it was; the
     * answer says where in the body it is, to be decoded into a file.
     */
    public static RunpodAnswer read(AnswerBody body) throws RunpodProtocolException, IOException {
        InlineImage inline = InlineImage.find(body);
        JsonNode root;
        try (InputStream in = inline == null ? body.open()
                : inline.without(body, "(base64 image, " + inline.length() + " characters, decoded into a file)")) {
            root = Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new RunpodProtocolException("RunPod answered with a body that is not JSON: " + excerpt(body));
        }
        return new RunpodAnswer(result(root, body), inline);
    }

    /** Reads an error body (such as HTTP 400 with {@code status: FAILED}) if it is a RunPod job answer. */
    public static Optional<RunpodResult> tryParse(String body) {
        try {
            return Optional.of(parse(body));
        } catch (RunpodProtocolException e) {
            return Optional.empty();
        }
    }

    private static RunpodResult result(JsonNode root, AnswerBody body) throws RunpodProtocolException {
        if (root == null || !root.isObject()) {
            throw new RunpodProtocolException("RunPod answered with JSON that is not a job: " + excerpt(body));
        }
        String status = root.path("status").asText("");
        RunpodStatus known;
        try {
            known = RunpodStatus.valueOf(status);
        } catch (IllegalArgumentException e) {
            throw new RunpodProtocolException("RunPod answered with an unknown job status \"" + status + "\": "
                                              + excerpt(body));
        }
        String id = root.path("id").asText(null);
        if (id == null || !JOB_ID.matcher(id).matches()) {
            throw new RunpodProtocolException("RunPod answered without a usable job id: " + excerpt(body));
        }
        return new RunpodResult(id, known,
                root.hasNonNull("delayTime") ? root.get("delayTime").asLong() : null,
                root.hasNonNull("executionTime") ? root.get("executionTime").asLong() : null,
                root.get("output"), root.get("error"));
    }

    static String excerpt(AnswerBody body) {
        if (body.size() == 0) {
            return "(empty)";
        }
        String flat = body.excerpt(SHOWN * 2).strip().replaceAll("\\s+", " ");
        if (flat.isEmpty()) {
            return "(empty)";
        }
        return flat.length() > SHOWN || body.size() > SHOWN * 2L ? flat.substring(0, Math.min(SHOWN, flat.length()))
                + "..." : flat;
    }
}
