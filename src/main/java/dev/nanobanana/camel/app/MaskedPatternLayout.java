package dev.nanobanana.camel.app;

import java.util.List;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;

import dev.nanobanana.camel.settings.KnownSecrets;

/**
 * The runtime's log lines ({@code config/logback.xml}) with the configured secrets masked in the whole line: the
 * message, its arguments and an exception's messages and stack trace, whoever logged it (Camel, a driver, an SDK).
 * The pipeline masks what it writes itself; this is the guard for everything else. The runtime tells it the secrets
 * once its settings are read; lines before that are logged as they are.
 */
public class MaskedPatternLayout extends PatternLayout {

    private static volatile KnownSecrets secrets = new KnownSecrets(List.of());

    /** Masks these secrets in every line from now on. */
    public static void mask(KnownSecrets known) {
        secrets = known;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        return secrets.mask(super.doLayout(event));
    }
}
