package dev.nanobanana.camel.json;

import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON mapper of the library, configured once: times as ISO-8601 text, paths as they were written, fields a
 * newer version added ignored on reading, and texts up to 64 M characters (well above RunPod's 20 MB body, so that a
 * big inline image is refused for its size, with a clear reason, rather than by the parser).
 */
public final class Json {

    public static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(64 * 1024 * 1024).build())
                    .build())
            .addModule(new JavaTimeModule())
            .addModule(pathsAsWritten())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // a record's derived isX() (RunpodResult's isTerminal()) is not a field of it
            .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
            // a value written by a newer version (a ledger row on a shared database) stays readable
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** Indented: for records and reports that a person opens. */
    public static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

    /** Keys in a fixed order, so that the same value always has the same bytes (a request's fingerprint). */
    public static final ObjectWriter CANONICAL = MAPPER.writer().with(JsonNodeFeature.WRITE_PROPERTIES_SORTED);

    /** For what a person wrote, such as a job file: a field given twice is refused rather than the last one kept. */
    public static final ObjectReader STRICT = MAPPER.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

    private Json() {
    }

    /**
     * A path as it was given: Jackson's own form is an absolute file: URI, which would turn a path under the working
     * folder into one that breaks when the folder moves.
     */
    private static SimpleModule pathsAsWritten() {
        return new SimpleModule("paths-as-written")
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
