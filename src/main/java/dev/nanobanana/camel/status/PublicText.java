package dev.nanobanana.camel.status;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.nanobanana.camel.observe.KnownSecrets;

/**
 * Text from records and the ledger made fit to show to whoever can open the status page: the query of every URL is
 * cut off (a presigned S3 or CDN URL carries its signature there), and the values of the configured secrets are
 * masked, should one ever be quoted in an error text.
 */
final class PublicText {

    private static final Pattern URL_QUERY = Pattern.compile("(https?://[^\\s\"'?#]*)[?#][^\\s\"']*");

    private final KnownSecrets secrets;

    PublicText(KnownSecrets secrets) {
        this.secrets = secrets;
    }

    String of(String text) {
        if (text == null) {
            return null;
        }
        Matcher url = URL_QUERY.matcher(secrets.mask(text));
        return url.replaceAll(match -> Matcher.quoteReplacement(match.group(1)));
    }

    /** A copy of a record with every text in it made public, keys included. */
    JsonNode of(JsonNode record) {
        if (record instanceof ObjectNode object) {
            ObjectNode copy = object.objectNode();
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                copy.set(of(field.getKey()), of(field.getValue()));
            }
            return copy;
        }
        if (record instanceof ArrayNode array) {
            ArrayNode copy = array.arrayNode();
            array.forEach(element -> copy.add(of(element)));
            return copy;
        }
        if (record != null && record.isTextual()) {
            return TextNode.valueOf(of(record.asText()));
        }
        return record;
    }
}
