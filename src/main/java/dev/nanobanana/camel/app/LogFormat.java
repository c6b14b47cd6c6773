package dev.nanobanana.camel.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import dev.nanobanana.camel.settings.NanoBananaSettings;

/**
 * How the runtime writes its log: plain lines for a person ({@code config/logback.xml}), or one JSON object a line for
 * a log shipper ({@code config/logback-json.xml}), as {@code nanobanana.log.format} says.
 */
enum LogFormat {

    TEXT(Path.of("config", "logback.xml")),
    JSON(Path.of("config", "logback-json.xml"));

    static final String KEY = NanoBananaSettings.PREFIX + "log.format";

    private final Path configuration;

    LogFormat(Path configuration) {
        this.configuration = configuration;
    }

    /** The Logback configuration that writes this format. */
    Path configuration() {
        return configuration;
    }

    /**
     * The format {@code nanobanana.log.format} names, looked up as Camel's property placeholders look a key up (the
     * environment, then {@code -D}, then the properties file, then the default), but before Logback is set up: Camel's
     * own lookup would make a logger, and with it Logback in the format not chosen yet. A placeholder such as
     * {@code {{env:...}}} in the file is not resolved here.
     *
     * @throws IllegalArgumentException for a value that is not a format, in a sentence that names the key
     */
    static LogFormat chosen(Map<String, String> environment, Properties system, Path propertiesFile) {
        String value = environment.get(environmentName(KEY));
        if (value == null) {
            value = system.getProperty(KEY);
        }
        if (value == null) {
            value = inFile(propertiesFile);
        }
        if (value == null) {
            value = NanoBananaSettings.DEFAULTS.get("log.format");
        }
        for (LogFormat format : values()) {
            if (format.name().equalsIgnoreCase(value.trim())) {
                return format;
            }
        }
        throw new IllegalArgumentException(KEY + " (" + environmentName(KEY) + ") must be text or json, not '"
                                           + value + "'");
    }

    /** NANOBANANA_LOG_FORMAT for nanobanana.log.format: the environment variable Camel reads for a key. */
    static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String inFile(Path propertiesFile) {
        if (!Files.isRegularFile(propertiesFile)) {
            return null;
        }
        Properties file = new Properties();
        try (InputStream in = Files.newInputStream(propertiesFile)) {
            // ISO-8859-1, as Camel reads it
            file.load(in);
        } catch (IOException e) {
            // the runtime reads the file again as it starts, and says what is wrong with it then
            return null;
        }
        return file.getProperty(KEY);
    }
}
