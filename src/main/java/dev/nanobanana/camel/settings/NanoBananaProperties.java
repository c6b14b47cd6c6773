package dev.nanobanana.camel.settings;

import static dev.nanobanana.camel.settings.NanoBananaSettings.DEFAULTS;
import static dev.nanobanana.camel.settings.NanoBananaSettings.PREFIX;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.util.TimeUtils;
import dev.nanobanana.camel.job.ByteSizes;

/**
 * Reads {@code nanobanana.*} keys from a context's property placeholders, falling back to their
 * {@link NanoBananaSettings#DEFAULTS}, and refuses a value that is not usable with a message that names the key. Only
 * {@link NanoBananaSettings#from} reads keys; everything else reads the settings.
 */
record NanoBananaProperties(CamelContext context) {

    /** The value of a key outside {@code nanobanana.*}, such as {@code camel.management.host}, if it has one. */
    Optional<String> camel(String key) {
        return context.getPropertiesComponent().resolveProperty(key);
    }


    /** The value of {@code nanobanana.<key>}, such as {@code text("inbox")}. */
    public String text(String key) {
        return context.getPropertiesComponent().resolveProperty(PREFIX + key)
                .orElseGet(() -> context.resolvePropertyPlaceholders(DEFAULTS.get(key)))
                .trim();
    }

    public int number(String key, int min) {
        String text = text(key);
        try {
            int value = Integer.parseInt(text);
            if (value >= min) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw refused(key, "a whole number of at least " + min, text);
    }

    public double decimal(String key) {
        String text = text(key);
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw refused(key, "a number", text);
        }
    }

    public Duration duration(String key) {
        String text = text(key);
        long millis;
        try {
            millis = TimeUtils.toMilliSeconds(text);
        } catch (RuntimeException e) {
            // TimeUtils fails on some text with an index error rather than an IllegalArgumentException
            millis = -1;
        }
        if (millis < 0) {
            throw refused(key, "a duration such as 500, 10s or 2m", text);
        }
        return Duration.ofMillis(millis);
    }

    public long bytes(String key) {
        String text = text(key);
        long bytes = ByteSizes.parse(text);
        if (bytes <= 0) {
            throw refused(key, "a size such as 1048576, 512kB or 1MB", text);
        }
        return bytes;
    }

    /** An amount of US dollars, such as {@code 0.0875}: zero or more. */
    public BigDecimal usd(String key) {
        String text = text(key);
        try {
            BigDecimal usd = new BigDecimal(text);
            if (usd.signum() >= 0) {
                return usd;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw refused(key, "an amount of US dollars such as 0.0875 or 25", text);
    }

    /** As {@link #usd}, or empty when the key has no value. */
    public Optional<BigDecimal> optionalUsd(String key) {
        return text(key).isEmpty() ? Optional.empty() : Optional.of(usd(key));
    }

    public boolean flag(String key) {
        String text = text(key);
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw refused(key, "true or false", text);
    }

    private static IllegalArgumentException refused(String key, String expected, String text) {
        return new IllegalArgumentException(PREFIX + key + " must be " + expected + ", not \"" + text + "\"");
    }
}
