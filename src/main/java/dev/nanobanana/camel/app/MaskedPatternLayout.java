package dev.nanobanana.camel.app;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The runtime's plain log lines ({@code config/logback.xml}) with the configured secrets ({@link LoggedSecrets})
 * masked in the whole line: the message, its arguments and an exception's messages and stack trace, whoever logged it
 * (Camel, a driver, an SDK). The pipeline masks what it writes itself; this is the guard for everything else.
 */
public class MaskedPatternLayout extends PatternLayout {

    @Override
    public String doLayout(ILoggingEvent event) {
        return LoggedSecrets.masked(super.doLayout(event));
    }
}
