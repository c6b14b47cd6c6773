package dev.nanobanana.camel.sink;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.nanobanana.camel.json.Json;

/**
 * How a {@link ResultRecord} or an {@link ErrorRecord} is written, in a sink or as the kamelet's answer: indented
 * JSON, times as ISO-8601 text.
 */
public final class RecordFormat {


    private RecordFormat() {
    }

    public static byte[] bytes(Object record) throws JsonProcessingException {
        return Json.PRETTY.writeValueAsBytes(record);
    }

    public static String text(Object record) throws JsonProcessingException {
        return new String(bytes(record), StandardCharsets.UTF_8);
    }
}
