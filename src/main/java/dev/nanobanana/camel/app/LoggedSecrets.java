package dev.nanobanana.camel.app;

import java.util.List;

import dev.nanobanana.camel.settings.KnownSecrets;

/**
 * The configured secrets that every log line of the runtime shows as {@code ****}, whatever its format: plain text
 * ({@link MaskedPatternLayout}) or JSON ({@link MaskedJsonValues}). The runtime names them once its settings are read;
 * lines before that are logged as they are.
 */
public final class LoggedSecrets {

    private static volatile KnownSecrets known = new KnownSecrets(List.of());

    private LoggedSecrets() {
    }

    /** Masks these secrets in every line from now on. */
    public static void mask(KnownSecrets secrets) {
        known = secrets;
    }

    /** The text with every secret named so far as {@code ****}. */
    static String masked(String text) {
        return known.mask(text);
    }
}
