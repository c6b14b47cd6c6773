package dev.nanobanana.camel.sink;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.nanobanana.camel.runpod.RunsyncRequest;

/**
 * What a record copies of a job, a request, RunPod's answer or an exception: every string at most
 * {@value #MAX_CHARS} characters and every list or object at most {@value #MAX_VALUES} values, so that a job of
 * many megabytes never makes a record of many megabytes. A cut value says so, and how long it was. A data: URI keeps
 * only its start, which shows what kind of image it was.
 */
public final class RecordCopy {

    public static final int MAX_CHARS = 64 * 1024;
    public static final int MAX_VALUES = 1000;
    /** Enough of a data: URI for its media type and the first bytes of its data; more of it tells a reader nothing. */
    static final int DATA_URI_CHARS = 64;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RecordCopy() {
    }

    /** The text, or its first {@value #MAX_CHARS} characters and {@code …[cut: N characters in all]}. */
    public static String text(String value) {
        return cut(value, MAX_CHARS);
    }

    /** An image reference: a URL as {@link #text}, a data: URI as its start and its length. */
    public static String image(String ref) {
        return cut(ref, ref != null && ref.startsWith("data:") ? DATA_URI_CHARS : MAX_CHARS);
    }

    /** A copy of the tree with long strings cut (data: URIs to their start) and long lists and objects shortened. */
    public static JsonNode json(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            String text = node.asText();
            String copy = image(text);
            return copy.equals(text) ? node : TextNode.valueOf(copy);
        }
        if (node.isArray()) {
            ArrayNode list = NODES.arrayNode();
            for (int i = 0; i < Math.min(node.size(), MAX_VALUES); i++) {
                list.add(json(node.get(i)));
            }
            if (node.size() > MAX_VALUES) {
                list.add("…[cut: " + node.size() + " values in all]");
            }
            return list;
        }
        if (node.isObject()) {
            ObjectNode object = NODES.objectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
            for (int i = 0; i < MAX_VALUES && fields.hasNext(); i++) {
                Map.Entry<String, JsonNode> field = fields.next();
                object.set(text(field.getKey()), json(field.getValue()));
            }
            if (fields.hasNext()) {
                object.put("…", "[cut: " + node.size() + " fields in all]");
            }
            return object;
        }
        return node;
    }

    /** The request with its prompt and images cut as {@link #text} and {@link #image} cut them. */
    public static RunsyncRequest request(RunsyncRequest request) {
        if (request == null || request.input() == null) {
            return request;
        }
        RunsyncRequest.Input input = request.input();
        List<String> images = input.images() == null ? null : input.images().stream()
                .limit(MAX_VALUES)
                .map(RecordCopy::image)
                .toList();
        return new RunsyncRequest(new RunsyncRequest.Input(images, text(input.prompt()), input.resolution(),
                input.aspectRatio(), input.outputFormat(), input.enableBase64Output()));
    }

    private static String cut(String value, int keep) {
        if (value == null || value.length() <= keep) {
            return value;
        }
        // never split a character that takes two chars
        int end = Character.isHighSurrogate(value.charAt(keep - 1)) ? keep - 1 : keep;
        return value.substring(0, end) + "…[cut: " + value.length() + " characters in all]";
    }
}
