package dev.nanobanana.emulator;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nanobanana.camel.runpod.AspectRatio;
import dev.nanobanana.camel.runpod.EditEndpoint;
import dev.nanobanana.camel.runpod.OutputFormat;
import dev.nanobanana.camel.runpod.Resolution;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads a {@code /run} or {@code /runsync} body into an {@link EditInput}, rejecting what RunPod rejects by the rules
 * of {@link EditEndpoint}, which the job validator checks jobs against too. A choice field given as {@code null} is
 * none of the values RunPod documents, and is rejected as the validator rejects it; only an absent one takes the
 * default.
 */
final class EditInputParser {

    /** The emulator's one JSON mapper: everything else it writes is built as a tree and printed. */
    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    EditInput parse(byte[] body) throws InvalidInputException {
        JsonNode input = readRoot(body).get("input");
        if (input == null || !input.isObject()) {
            throw new InvalidInputException("Request body must hold an \"input\" object");
        }
        rejectUnknownFields(input);
        return new EditInput(
                prompt(input),
                images(input),
                choice(input, "resolution", Resolution::fromWireName, Resolution.DEFAULT, Resolution.WIRE_NAMES),
                choice(input, "aspect_ratio", AspectRatio::fromWireName, EditInput.DEFAULT_ASPECT_RATIO,
                        AspectRatio.WIRE_NAMES),
                choice(input, "output_format", OutputFormat::fromWireName, OutputFormat.DEFAULT,
                        OutputFormat.WIRE_NAMES),
                base64Output(input));
    }

    private JsonNode readRoot(byte[] body) throws InvalidInputException {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JacksonException e) {
            throw new InvalidInputException("Request body is not valid JSON");
        } catch (IOException e) {
            throw new InvalidInputException("Request body could not be read");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInputException("Request body must be a JSON object with an \"input\" object");
        }
        return root;
    }

    private static void rejectUnknownFields(JsonNode input) throws InvalidInputException {
        for (Iterator<String> names = input.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!EditEndpoint.INPUT_FIELDS.contains(name)) {
                throw new InvalidInputException("Unknown field \"" + name + "\" in input; allowed: "
                        + String.join(", ", EditEndpoint.INPUT_FIELDS));
            }
        }
    }

    private static String prompt(JsonNode input) throws InvalidInputException {
        JsonNode prompt = input.get("prompt");
        if (prompt == null || !prompt.isTextual() || prompt.asText().isBlank()) {
            throw new InvalidInputException("input.prompt is required and must be a non-blank string");
        }
        return prompt.asText();
    }

    private static List<String> images(JsonNode input) throws InvalidInputException {
        JsonNode images = input.get("images");
        if (images == null || !images.isArray()) {
            throw new InvalidInputException("input.images is required and must be an array of image URLs");
        }
        if (images.isEmpty() || images.size() > EditEndpoint.MAX_IMAGES) {
            throw new InvalidInputException("input.images must hold 1 to " + EditEndpoint.MAX_IMAGES + " images, got "
                    + images.size());
        }
        List<String> references = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            JsonNode image = images.get(i);
            Optional<String> problem = image.isTextual() ? EditEndpoint.imageProblem(image.asText())
                    : Optional.of("is not a string");
            if (problem.isPresent()) {
                throw new InvalidInputException("input.images[" + i + "] " + problem.get());
            }
            references.add(image.asText());
        }
        return references;
    }

    /** An optional field that names one of a few values; absent means the default. */
    private static <T> T choice(JsonNode input, String field, Function<String, Optional<T>> lookup,
                                T defaultValue, List<String> allowed) throws InvalidInputException {
        JsonNode value = input.get(field);
        if (value == null) {
            return defaultValue;
        }
        Optional<T> chosen = value.isTextual() ? lookup.apply(value.asText()) : Optional.empty();
        return chosen.orElseThrow(() -> new InvalidInputException(
                "input." + field + " must be one of " + String.join(", ", allowed) + ", got " + value));
    }

    private static boolean base64Output(JsonNode input) throws InvalidInputException {
        JsonNode value = input.get("enable_base64_output");
        if (value == null) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new InvalidInputException("input.enable_base64_output must be true or false");
        }
        return value.booleanValue();
    }
}
