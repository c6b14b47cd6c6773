package dev.nanobanana.camel.ledger;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nanobanana.camel.json.Json;
import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.job.JobRoute;

/**
 * The one mapper between the ledger's JSON columns and a job's state, its route and its request's fingerprint. A
 * state is kept in two parts: its request (written once) and its progress (rewritten at each change).
 */
final class LedgerJson {

    /** The parts of a job's state that do not change once it is admitted: the job as read, validated and sent. */
    private static final List<String> REQUEST = List.of("draft", "job", "request");

    private static final ObjectMapper MAPPER = Json.MAPPER;

    private LedgerJson() {
    }

    static String write(JobRoute route) {
        return write((Object) route);
    }

    static JobState readState(String json) {
        try {
            return MAPPER.readValue(json, JobState.class);
        } catch (JsonProcessingException e) {
            throw new LedgerException("job ledger: a stored job state cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    /** The part of a state that does not change once the job is admitted; large when its images are inline. */
    static String writeRequest(JobState state) {
        ObjectNode whole = MAPPER.valueToTree(state);
        ObjectNode request = MAPPER.createObjectNode();
        REQUEST.forEach(field -> request.set(field, whole.get(field)));
        return write(request);
    }

    /** The part of a state that changes as the job goes: everything but its {@link #writeRequest request}. */
    static String writeProgress(JobState state) {
        ObjectNode whole = MAPPER.valueToTree(state);
        whole.remove(REQUEST);
        return write(whole);
    }

    /**
     * A state from its parts: {@code request} and {@code progress} as written above, or the whole state as written
     * before they were kept apart ({@code whole}), for each part that is missing.
     */
    static JobState readState(String request, String progress, String whole) {
        if (request == null && progress == null) {
            return readState(whole);
        }
        ObjectNode state = tree(progress != null ? progress : whole);
        ObjectNode fixed = tree(request != null ? request : whole);
        REQUEST.forEach(field -> state.set(field, fixed.get(field)));
        try {
            return MAPPER.treeToValue(state, JobState.class);
        } catch (JsonProcessingException e) {
            throw new LedgerException("job ledger: a stored job state cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * What a finished job's request keeps after {@code keep-for}: its id, its file and how its image was named, for a
     * file dropped again to be answered; the prompt, the images and the request sent are let go of.
     */
    static String writePrunedRequest(JobState state) {
        ObjectNode request = tree(writeRequest(state));
        if (request.get("draft") instanceof ObjectNode draft) {
            draft.remove("fields");
        }
        if (request.get("job") instanceof ObjectNode job) {
            job.remove("prompt");
            job.putArray("images");
        }
        request.remove("request");
        return write(request);
    }

    private static ObjectNode tree(String json) {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new LedgerException("job ledger: a stored job state cannot be read: " + e.getMessage(), e);
        }
    }

    static JobRoute readRoute(String json) {
        try {
            return MAPPER.readValue(json, JobRoute.class);
        } catch (JsonProcessingException e) {
            throw new LedgerException("job ledger: a stored route cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    static void writeCanonical(Object value, OutputStream out) {
        try {
            Json.CANONICAL.writeValue(out, MAPPER.valueToTree(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("job ledger: cannot write " + value.getClass().getSimpleName()
                    + " as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
