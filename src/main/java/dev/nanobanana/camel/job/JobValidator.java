package dev.nanobanana.camel.job;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.nanobanana.camel.runpod.AspectRatio;
import dev.nanobanana.camel.runpod.EditEndpoint;
import dev.nanobanana.camel.runpod.OutputFormat;
import dev.nanobanana.camel.runpod.Resolution;


/**
 * Checks a job draft against the rules of the Nano Banana 2 Edit endpoint ({@link EditEndpoint}) and fills in the
 * configured defaults. Every problem of a job is reported at once, so that one fix makes the job good.
 */
public class JobValidator {

    /** A job's fields: its id, then what goes to RunPod as {@code input}. */
    public static final List<String> FIELDS = Stream.concat(Stream.of("id"), EditEndpoint.INPUT_FIELDS.stream())
            .toList();
    /** Enough to recognise a value in a reason; the value itself may be megabytes. */
    private static final int SHOWN_CHARS = 80;
    private static final int LISTED_UNKNOWN_FIELDS = 10;

    private final String defaultResolution;
    private final String defaultOutputFormat;

    public JobValidator(String defaultResolution, String defaultOutputFormat) {
        this.defaultResolution = defaultResolution;
        this.defaultOutputFormat = defaultOutputFormat;
    }

    public EditJob validate(JobDraft draft) throws InvalidJobException {
        if (draft.problem() != null) {
            throw new InvalidJobException(draft.problem());
        }
        ObjectNode fields = draft.fields();
        List<String> problems = new ArrayList<>();
        unknownFields(fields, problems);
        JsonNode id = fields.get("id");
        if (id != null && !(id.isTextual() && JobIds.isSafe(id.asText()))) {
            String device = id.isTextual() ? JobIds.windowsDevice(id.asText())
                    .map(name -> "Windows reserves the name " + name + " for a device; ").orElse("") : "";
            problems.add("id " + shown(id) + " is not usable: " + device + JobIds.rule());
        }
        String prompt = prompt(fields.get("prompt"), problems);
        List<String> images = images(fields.get("images"), problems);
        String resolution = oneOf(fields, "resolution", Resolution.WIRE_NAMES, defaultResolution, problems);
        String aspectRatio = oneOf(fields, "aspect_ratio", AspectRatio.WIRE_NAMES, null, problems);
        String outputFormat = oneOf(fields, "output_format", OutputFormat.WIRE_NAMES, defaultOutputFormat, problems);
        boolean base64 = bool(fields, "enable_base64_output", problems);
        if (!problems.isEmpty()) {
            throw new InvalidJobException(problems);
        }
        return new EditJob(draft.id(), prompt, images, resolution, aspectRatio, outputFormat, base64,
                draft.sourceFile());
    }

    private static void unknownFields(ObjectNode fields, List<String> problems) {
        int unknown = 0;
        for (Iterator<String> names = fields.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!FIELDS.contains(name) && ++unknown <= LISTED_UNKNOWN_FIELDS) {
                String hint = FieldNames.closest(name, FIELDS).map(f -> " (did you mean \"" + f + "\"?)").orElse("");
                problems.add("unknown field " + shown(name) + hint + "; a job has only " + String.join(", ", FIELDS));
            }
        }
        if (unknown > LISTED_UNKNOWN_FIELDS) {
            problems.add("and " + (unknown - LISTED_UNKNOWN_FIELDS) + " more unknown fields");
        }
    }

    private static List<String> images(JsonNode node, List<String> problems) {
        if (node == null) {
            problems.add("images is missing: give 1 to " + EditEndpoint.MAX_IMAGES + " image URLs");
            return List.of();
        }
        if (!node.isArray()) {
            problems.add("images must be a list of 1 to " + EditEndpoint.MAX_IMAGES + " image URLs, not a single value");
            return List.of();
        }
        if (node.isEmpty() || node.size() > EditEndpoint.MAX_IMAGES) {
            problems.add("images holds " + node.size() + " URLs; RunPod takes 1 to " + EditEndpoint.MAX_IMAGES);
        }
        List<String> images = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode image = node.get(i);
            String problem = image.isTextual() ? imageProblem(image.asText()) : "is not a string";
            if (problem != null) {
                problems.add("images[" + i + "] " + problem);
            }
            images.add(image.asText());
        }
        return images;
    }

    private static String imageProblem(String ref) {
        if (ref.startsWith("data:")) {
            return EditEndpoint.imageProblem(ref).orElse(null);
        }
        if (LocalImages.isLocal(ref)) {
            // a file beside the job file: checked against its folder before anything is sent
            return null;
        }
        String shown = ref.length() > SHOWN_CHARS ? ref.substring(0, SHOWN_CHARS) + "..." : ref;
        try {
            URI uri = new URI(ref);
            if (EditEndpoint.isHttpUrl(ref)
                || "s3".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && uri.getPath().length() > 1) {
                return null;
            }
        } catch (URISyntaxException e) {
            return "\"" + shown + "\" is not a valid URL: " + e.getReason();
        }
        return "\"" + shown + "\" is not an http(s) URL, an s3:// reference, a data:image URI or a path relative to the "
               + "job file";
    }

    private static String prompt(JsonNode node, List<String> problems) {
        if (node == null || node.isNull()) {
            problems.add("prompt is missing: say what to do with the images");
        } else if (!node.isTextual()) {
            problems.add("prompt must be a string, not " + shown(node));
        } else if (node.asText().isBlank()) {
            problems.add("prompt is empty: say what to do with the images");
        } else {
            return node.asText();
        }
        return null;
    }

    private static String oneOf(ObjectNode fields, String name, List<String> allowed, String fallback,
            List<String> problems) {
        if (!fields.has(name)) {
            return fallback;
        }
        JsonNode node = fields.get(name);
        if (node.isTextual() && allowed.contains(node.asText())) {
            return node.asText();
        }
        problems.add(name + " " + shown(node) + " is not one of " + String.join(", ", allowed));
        return fallback;
    }

    private static boolean bool(ObjectNode fields, String name, List<String> problems) {
        JsonNode node = fields.get(name);
        if (node == null) {
            return false;
        }
        if (!node.isBoolean()) {
            problems.add(name + " must be true or false, not " + shown(node));
            return false;
        }
        return node.asBoolean();
    }

    /** A value as a reason quotes it: whole when short, else its start and its length. */
    static String shown(JsonNode node) {
        if (node.isTextual()) {
            return shown(node.asText());
        }
        if (node.isArray()) {
            return isShort(node) ? node.toString() : "a list of " + node.size() + " values";
        }
        if (node.isObject()) {
            return "an object with " + node.size() + " fields";
        }
        return node.toString();
    }

    private static boolean isShort(JsonNode list) {
        int length = 0;
        for (JsonNode element : list) {
            if (!element.isValueNode() || (length += element.asText().length() + 3) > SHOWN_CHARS) {
                return false;
            }
        }
        return true;
    }

    static String shown(String text) {
        if (text.length() <= SHOWN_CHARS) {
            return TextNode.valueOf(text).toString();
        }
        return TextNode.valueOf(text.substring(0, SHOWN_CHARS)).toString() + "... (" + text.length() + " characters)";
    }
}
