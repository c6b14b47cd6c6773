package dev.nanobanana.emulator;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Reads a {@code /run} or {@code /runsync} body into an {@link EditInput}, rejecting what RunPod rejects. */
final class EditInputParser {

    static final int MAX_IMAGES = 14;

    private static final Set<String> FIELDS = Set.of(
            "prompt", "images", "resolution", "aspect_ratio", "output_format", "enable_base64_output");
    private static final Pattern MEDIA_TYPE = Pattern.compile("[\\w.+-]+/[\\w.+-]+");
    private static final String BASE64_MARKER = ";base64,";

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
                choice(input, "resolution", Resolution::fromWireName, Resolution.ONE_K, "1k, 2k, 4k"),
                choice(input, "aspect_ratio", AspectRatio::fromWireName, AspectRatio.SQUARE,
                        String.join(", ", AspectRatio.SUPPORTED)),
                choice(input, "output_format", OutputFormat::fromWireName, OutputFormat.PNG, "png, jpeg"),
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
            if (!FIELDS.contains(name)) {
                throw new InvalidInputException("Unknown field \"" + name + "\" in input; allowed: "
                        + "prompt, images, resolution, aspect_ratio, output_format, enable_base64_output");
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
        if (images.isEmpty() || images.size() > MAX_IMAGES) {
            throw new InvalidInputException("input.images must hold 1 to " + MAX_IMAGES + " images, got " + images.size());
        }
        List<String> references = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            JsonNode image = images.get(i);
            if (!image.isTextual() || !isImageReference(image.asText())) {
                throw new InvalidInputException("input.images[" + i
                        + "] must be an absolute http(s) URL or a data:<mime>;base64,... URI");
            }
            references.add(image.asText());
        }
        return references;
    }

    private static boolean isImageReference(String value) {
        return value.startsWith("data:") ? isBase64DataUri(value) : isHttpUrl(value);
    }

    private static boolean isHttpUrl(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean isBase64DataUri(String value) {
        int marker = value.indexOf(BASE64_MARKER);
        if (marker < 0 || !MEDIA_TYPE.matcher(value.substring("data:".length(), marker)).matches()) {
            return false;
        }
        String payload = value.substring(marker + BASE64_MARKER.length());
        try {
            return !payload.isEmpty() && Base64.getDecoder().decode(payload).length > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** An optional field that names one of a few values; absent or null means the default. */
    private static <T> T choice(JsonNode input, String field, Function<String, Optional<T>> lookup,
                                T defaultValue, String allowed) throws InvalidInputException {
        JsonNode value = input.get(field);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        Optional<T> chosen = value.isTextual() ? lookup.apply(value.asText()) : Optional.empty();
        return chosen.orElseThrow(() -> new InvalidInputException(
                "input." + field + " must be one of " + allowed + ", got " + value));
    }

    private static boolean base64Output(JsonNode input) throws InvalidInputException {
        JsonNode value = input.get("enable_base64_output");
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new InvalidInputException("input.enable_base64_output must be true or false");
        }
        return value.booleanValue();
    }
}
