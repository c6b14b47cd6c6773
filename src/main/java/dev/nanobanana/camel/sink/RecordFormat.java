package dev.nanobanana.camel.sink;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * How a {@link ResultRecord} or an {@link ErrorRecord} is written, in a sink or as the kamelet's answer: indented
 * JSON, times as ISO-8601 text.
 */
public final class RecordFormat {

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private RecordFormat() {
    }

    public static byte[] bytes(Object record) throws JsonProcessingException {
        return JSON.writeValueAsBytes(record);
    }

    public static String text(Object record) throws JsonProcessingException {
        return new String(bytes(record), StandardCharsets.UTF_8);
    }
}
