package dev.nanobanana.camel.job;

import java.math.BigInteger;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Types a YAML scalar as jackson-dataformat-yaml does, so that reading YAML through SnakeYAML's composer (for its
 * anchors) changes nothing for a file without them: {@code 16:9} and {@code 2001-12-14} stay text, {@code yes} is
 * true, {@code 0x1F} is 31.
 */
final class YamlScalar {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private YamlScalar() {
    }

    static JsonNode of(ScalarNode scalar) {
        String value = scalar.getValue();
        Tag tag = scalar.getTag();
        if (value.isEmpty()) {
            // as the job reader's Jackson parser did: "prompt:" is an empty prompt, not a missing one
            return TextNode.valueOf("");
        }
        if (Tag.NULL.equals(tag)) {
            return NODES.nullNode();
        }
        if (Tag.BOOL.equals(tag)) {
            Boolean bool = bool(value);
            return bool == null ? TextNode.valueOf(value) : NODES.booleanNode(bool);
        }
        if (Tag.INT.equals(tag)) {
            return integer(value);
        }
        if (Tag.FLOAT.equals(tag)) {
            return decimal(value);
        }
        // text, and what Jackson reads as text: timestamps, binary, sets, tags of an application's own
        return TextNode.valueOf(value);
    }

    private static Boolean bool(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "y" -> Boolean.TRUE;
            case "false", "no", "off", "n" -> Boolean.FALSE;
            default -> null;
        };
    }

    private static JsonNode integer(String value) {
        String digits = value.replace("_", "");
        boolean negative = digits.startsWith("-");
        if (negative || digits.startsWith("+")) {
            digits = digits.substring(1);
        }
        int radix = 10;
        if (digits.startsWith("0b") || digits.startsWith("0B")) {
            radix = 2;
            digits = digits.substring(2);
        } else if (digits.startsWith("0x") || digits.startsWith("0X")) {
            radix = 16;
            digits = digits.substring(2);
        } else if (digits.length() > 1 && digits.startsWith("0")) {
            radix = 8;
        }
        try {
            BigInteger number = new BigInteger(digits, radix);
            number = negative ? number.negate() : number;
            if (number.bitLength() < Integer.SIZE) {
                return NODES.numberNode(number.intValue());
            }
            return number.bitLength() < Long.SIZE ? NODES.numberNode(number.longValue()) : NODES.numberNode(number);
        } catch (NumberFormatException e) {
            // sexagesimal such as 16:9, which Jackson leaves as text too
            return TextNode.valueOf(value);
        }
    }

    private static JsonNode decimal(String value) {
        String digits = value.replace("_", "");
        String lower = digits.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".inf")) {
            return DoubleNode.valueOf(lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
        if (lower.equals(".nan")) {
            return DoubleNode.valueOf(Double.NaN);
        }
        try {
            return DoubleNode.valueOf(Double.parseDouble(digits));
        } catch (NumberFormatException e) {
            return TextNode.valueOf(value);
        }
    }
}
