package dev.nanobanana.camel.settings;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.apache.camel.CamelContext;

/**
 * The values of the settings that are secrets (the API key, the S3 keys, the SFTP password and passphrase, the ledger
 * password, also when it is written in the ledger's URL, the status page's token, the proxy's password and the trust
 * store's), and the one step that masks them in text that came from elsewhere: an error RunPod answered, an
 * exception's message, a record, a log line, a health check. Whatever such a text quotes, the value shows as
 * {@value #MASK}.
 */
public record KnownSecrets(List<String> values) {

    /** The name a context's secrets are bound under, by its pipeline. */
    public static final String BOUND_AS = "nanobananaKnownSecrets";
    /**
     * Shorter values are not masked: they would mask ordinary letters and words in every text (a password "ab" in
     * every "about"), and are no secret worth the name.
     */
    public static final int SHORTEST = 4;
    public static final String MASK = "****";

    /** {@code password=...} in a JDBC URL: PostgreSQL's {@code ?password=}, H2's {@code ;PASSWORD=}. */
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)[?&;]password=([^&;]+)");

    public KnownSecrets {
        values = values.stream().filter(Objects::nonNull).filter(value -> value.length() >= SHORTEST).distinct()
                // the longest first, so that a secret that holds another is masked whole
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    /** The secrets of these settings. */
    public static KnownSecrets of(NanoBananaSettings settings) {
        return new KnownSecrets(Arrays.asList(settings.apiKey(), settings.ledgerPassword(),
                passwordIn(settings.ledgerUrl()), settings.s3().accessKey(), settings.s3().secretKey(),
                settings.sftp().password(), settings.sftp().privateKeyPassphrase(), settings.status().token(),
                password(settings.egress().proxy()), password(settings.egress().httpsProxyVariable()),
                password(settings.egress().httpProxyVariable()), settings.egress().trustStorePassword()));
    }

    /** The context's secrets: those its pipeline bound, else those of its settings. */
    public static KnownSecrets in(CamelContext context) {
        KnownSecrets bound = context.getRegistry().lookupByNameAndType(BOUND_AS, KnownSecrets.class);
        return bound != null ? bound : of(NanoBananaSettings.of(context));
    }

    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String secret : values) {
            masked = masked.replace(secret, MASK);
        }
        return masked;
    }

    /** A copy of the tree with every text in it masked, keys included. */
    public JsonNode mask(JsonNode tree) {
        return mask(tree, UnaryOperator.identity());
    }

    /** A copy of the tree with every text in it, keys included, masked and then changed by {@code then}. */
    public JsonNode mask(JsonNode tree, UnaryOperator<String> then) {
        if (tree instanceof ObjectNode object) {
            ObjectNode copy = object.objectNode();
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                copy.set(then.apply(mask(field.getKey())), mask(field.getValue(), then));
            }
            return copy;
        }
        if (tree instanceof ArrayNode array) {
            ArrayNode copy = array.arrayNode();
            array.forEach(element -> copy.add(mask(element, then)));
            return copy;
        }
        if (tree != null && tree.isTextual()) {
            return TextNode.valueOf(then.apply(mask(tree.asText())));
        }
        return tree;
    }

    private static String password(ProxyUrl proxy) {
        return proxy == null ? null : proxy.password();
    }

    private static String passwordIn(String jdbcUrl) {
        Matcher password = URL_PASSWORD.matcher(jdbcUrl == null ? "" : jdbcUrl);
        return password.find() ? password.group(1) : null;
    }
}
