package dev.nanobanana.camel.ledger;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanobanana.camel.json.Json;
import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.job.JobRoute;

/** The one mapper between the ledger's JSON columns and a job's state, its route and its request's fingerprint. */
final class LedgerJson {


    private static final ObjectMapper MAPPER = Json.MAPPER;

    private LedgerJson() {
    }

    static String write(JobState state) {
        return write((Object) state);
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
