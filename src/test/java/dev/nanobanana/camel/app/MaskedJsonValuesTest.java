package dev.nanobanana.camel.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.joran.spi.JoranException;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.nanobanana.camel.json.Json;
import dev.nanobanana.camel.settings.KnownSecrets;

/**
 * The runtime's JSON log lines (config/logback-json.xml as it ships), whoever writes them, show a configured secret as
 * stars wherever it is quoted: in the message, an argument, an MDC field and the stack trace.
 */
class MaskedJsonValuesTest {

    static final String KEY = "rpa_JSONMASKED4c1aKEY";

    private final LoggerContext logging = new LoggerContext();

    @AfterEach
    void forgetTheSecrets() {
        LoggedSecrets.mask(new KnownSecrets(List.of()));
        logging.stop();
    }

    @Test
    void aJsonLineQuotingTheApiKeyAnywhereShowsStarsInItsPlace() throws Exception {
        LoggedSecrets.mask(new KnownSecrets(List.of(KEY)));
        Encoder<ILoggingEvent> encoder = shippedEncoder();
        Logger camel = logging.getLogger("org.apache.camel.processor.errorhandler.DefaultErrorHandler");
        IOException failure = new IOException("server said: bad key " + KEY, new IllegalStateException(KEY));
        LoggingEvent event = new LoggingEvent(Logger.FQCN, camel, Level.WARN, "Failed delivery with key {}", failure,
                new Object[] {KEY});
        event.setMDCPropertyMap(Map.of("jobId", "shoe", "camel.exchangeId", "quotes " + KEY));

        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

        assertThat(line).doesNotContain(KEY).endsWith("\n").hasLineCount(1);
        JsonNode json = Json.MAPPER.readTree(line);
        assertThat(json.path("message").asText()).isEqualTo("Failed delivery with key ****");
        assertThat(json.path("level").asText()).isEqualTo("WARN");
        assertThat(json.path("jobId").asText()).isEqualTo("shoe");
        assertThat(json.path("camel.exchangeId").asText()).isEqualTo("quotes ****");
        assertThat(json.path("stack_trace").asText())
                .startsWith("java.io.IOException: server said: bad key ****")
                .contains("Caused by: java.lang.IllegalStateException: ****");
    }

    @Test
    void beforeTheSecretsAreKnownALineIsWrittenAsItIs() throws Exception {
        Encoder<ILoggingEvent> encoder = shippedEncoder();
        Logger main = logging.getLogger("org.apache.camel.main.MainSupport");

        LoggingEvent event = new LoggingEvent(Logger.FQCN, main, Level.INFO, "Apache Camel (Main) {} is starting", null,
                new Object[] {"4.18.0"});
        event.setMDCPropertyMap(Map.of());

        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

        assertThat(Json.MAPPER.readTree(line).path("message").asText())
                .isEqualTo("Apache Camel (Main) 4.18.0 is starting");
    }

    /** The console appender's encoder, as config/logback-json.xml sets it up. */
    @SuppressWarnings("unchecked")
    private Encoder<ILoggingEvent> shippedEncoder() throws JoranException {
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(logging);
        configurator.doConfigure(LogFormat.JSON.configuration().toFile());
        assertThat(logging.getStatusManager().getCopyOfStatusList())
                .as("Logback's complaints about the file").noneMatch(status -> status.getLevel() > 0);
        OutputStreamAppender<ILoggingEvent> console = (OutputStreamAppender<ILoggingEvent>)
                logging.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("console");
        return console.getEncoder();
    }
}
