package dev.nanobanana.camel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log format is read before Logback starts, from the same places and in the same order as every other key. */
class LogFormatTest {

    @TempDir
    Path folder;

    @Test
    void plainTextUnlessTheSettingSaysJson() throws Exception {
        assertThat(LogFormat.chosen(Map.of(), new Properties(), folder.resolve("absent.properties")))
                .isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.chosen(Map.of("NANOBANANA_LOG_FORMAT", "json"), new Properties(), file("")))
                .isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.chosen(Map.of(), system("JSON"), file(""))).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.chosen(Map.of(), new Properties(), file("nanobanana.log.format = json ")))
                .isEqualTo(LogFormat.JSON);
    }

    @Test
    void theEnvironmentWinsOverMinusDWhichWinsOverTheFileAsInCamelsPlaceholders() throws Exception {
        Path file = file("nanobanana.log.format=json");
        assertThat(LogFormat.chosen(Map.of("NANOBANANA_LOG_FORMAT", "text"), system("json"), file))
                .isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.chosen(Map.of(), system("text"), file)).isEqualTo(LogFormat.TEXT);

        // Camel's own lookup of the same file and -D, for the order of the two
        System.setProperty(LogFormat.KEY, "text");
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.getPropertiesComponent().setLocation("file:" + file);
            assertThat(camel.getPropertiesComponent().resolveProperty(LogFormat.KEY)).hasValue("text");
        } finally {
            System.clearProperty(LogFormat.KEY);
        }
    }

    @Test
    void aValueThatIsNoFormatIsRefusedNamingTheKeyAndTheChoices() throws Exception {
        Path file = file("");
        assertThatThrownBy(() -> LogFormat.chosen(Map.of("NANOBANANA_LOG_FORMAT", "xml"), new Properties(), file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nanobanana.log.format (NANOBANANA_LOG_FORMAT) must be text or json, not 'xml'");
    }

    @Test
    void eachFormatHasItsLogbackFileInConfig() {
        for (LogFormat format : LogFormat.values()) {
            assertThat(format.configuration()).isRegularFile();
        }
    }

    private Path file(String content) throws IOException {
        return Files.writeString(folder.resolve("application.properties"), content);
    }

    private static Properties system(String format) {
        Properties properties = new Properties();
        properties.setProperty(LogFormat.KEY, format);
        return properties;
    }
}
