package dev.nanobanana.camel.ledger;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.nanobanana.camel.job.JobState;

/** The one mapper between the ledger's JSON columns and a job's state, its route and its request's fingerprint. */
final class LedgerJson {

    private static final TypeReference<Map<String, String>> ROUTE = new TypeReference<>() { };

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(pathsAsWritten())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // RunpodResult's isTerminal() and isCompleted() follow from its status; they are not state
            .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
            // a row written by a newer instance on the same database stays readable
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** Keys in a fixed order, so that the same request always has the same bytes. */
    private static final ObjectWriter CANONICAL = MAPPER.writer().with(JsonNodeFeature.WRITE_PROPERTIES_SORTED);

    private LedgerJson() {
    }

    static String write(JobState state) {
        return write((Object) state);
    }

    static String write(Map<String, String> route) {
        return write((Object) route);
    }

    static JobState readState(String json) {
        try {
            return MAPPER.readValue(json, JobState.class);
        } catch (JsonProcessingException e) {
            throw new LedgerException("job ledger: a stored job state cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    static Map<String, String> readRoute(String json) {
        try {
            return MAPPER.readValue(json, ROUTE);
        } catch (JsonProcessingException e) {
            throw new LedgerException("job ledger: a stored route cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    static void writeCanonical(Object value, OutputStream out) {
        try {
            CANONICAL.writeValue(out, MAPPER.valueToTree(value));
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

    /**
     * A kept image's path as it was given: Jackson's own form is an absolute file: URI, which would turn a path under
     * the working folder into one that breaks when the folder moves.
     */
    private static SimpleModule pathsAsWritten() {
        return new SimpleModule("ledger-paths")
                .addSerializer(Path.class, new JsonSerializer<>() {
                    @Override
                    public void serialize(Path path, JsonGenerator out, SerializerProvider provider)
                            throws IOException {
                        out.writeString(path.toString());
                    }
                })
                .addDeserializer(Path.class, new JsonDeserializer<>() {
                    @Override
                    public Path deserialize(JsonParser in, DeserializationContext context) throws IOException {
                        return Path.of(in.getValueAsString());
                    }
                });
    }
}
