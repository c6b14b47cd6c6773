package dev.nanobanana.camel.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.nanobanana.camel.settings.KnownSecrets;

/** The runtime's log lines, whoever writes them, show a configured secret as stars: in the message and in a stack trace. */
class MaskedPatternLayoutTest {

    static final String KEY = "rpa_LOGGED3b8e1fKEY";

    private final LoggerContext logging = new LoggerContext();
    private final MaskedPatternLayout layout = new MaskedPatternLayout();

    @AfterEach
    void forgetTheSecrets() {
        LoggedSecrets.mask(new KnownSecrets(List.of()));
    }

    @Test
    void aLineQuotingTheApiKeyInItsMessageAndItsExceptionShowsStarsInItsPlace() {
        LoggedSecrets.mask(new KnownSecrets(List.of(KEY)));
        layout.setContext(logging);
        layout.setPattern("%-5level %logger{0} %msg%n");
        layout.start();
        Logger camel = logging.getLogger("org.apache.camel.processor.errorhandler.DefaultErrorHandler");
        IOException failure = new IOException("server said: bad key " + KEY, new IllegalStateException(KEY));

        String line = layout.doLayout(new LoggingEvent(Logger.FQCN, camel, Level.WARN, "Failed delivery with key {}",
                failure, new Object[] {KEY}));

        assertThat(line).doesNotContain(KEY)
                .startsWith("WARN  DefaultErrorHandler Failed delivery with key ****")
                .contains("java.io.IOException: server said: bad key ****")
                .contains("Caused by: java.lang.IllegalStateException: ****");
    }
}
