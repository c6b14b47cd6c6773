package dev.nanobanana.camel.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** config/application.properties documents every key with the default the code really has. */
class ConfigFileTest {

    @Test
    void everyKeyIsDocumentedWithItsRealDefault() throws Exception {
        Properties file = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("config", "application.properties"))) {
            file.load(reader);
        }

        NanoBananaSettings.DEFAULTS.forEach((key, value) ->
                assertThat(file.getProperty(NanoBananaSettings.PREFIX + key)).as(key).isEqualTo(value));
        assertThat(file.stringPropertyNames())
                .filteredOn(key -> key.startsWith(NanoBananaSettings.PREFIX))
                .allSatisfy(key -> assertThat(NanoBananaSettings.DEFAULTS)
                        .containsKey(key.substring(NanoBananaSettings.PREFIX.length())));
    }
}
