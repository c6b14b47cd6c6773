package dev.nanobanana.camel;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;

/**
 * Every {@code nanobanana.*} setting of the pipeline, with its default; read from Camel's property placeholders so
 * that a properties file, {@code -Dkey=value} and environment variables ({@code NANOBANANA_INBOX}) all apply.
 */
public record NanoBananaSettings(
        String endpointUrl,
        String apiKey,
        String completedDir,
        String failedDir,
        int concurrency,
        String defaultResolution,
        String defaultOutputFormat,
        Duration connectTimeout,
        Duration readTimeout,
        int retryMaxAttempts,
        Duration retryInitialDelay,
        double retryMultiplier,
        Duration retryMaxDelay,
        Duration pollInitialInterval,
        Duration pollMaxInterval,
        double pollMultiplier,
        Duration pollDeadline) {

    public static final String PREFIX = "nanobanana.";
    public static final String RUNPOD_ENDPOINT = "https://api.runpod.ai/v2/google-nano-banana-2-edit";

    /** The keys and their defaults, in the order {@code config/application.properties} documents them. */
    public static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("endpoint-url", RUNPOD_ENDPOINT);
        d.put("api-key", "{{env:RUNPOD_API_KEY:}}");
        d.put("inbox", "inbox");
        d.put("examples-dir", "examples");
        d.put("completed-dir", "out/completed");
        d.put("failed-dir", "out/failed");
        d.put("concurrency", "8");
        d.put("default.resolution", "1k");
        d.put("default.output-format", "png");
        d.put("http.connect-timeout", "10s");
        d.put("http.read-timeout", "150s");
        d.put("retry.max-attempts", "5");
        d.put("retry.initial-delay", "1s");
        d.put("retry.multiplier", "2");
        d.put("retry.max-delay", "60s");
        d.put("poll.initial-interval", "1s");
        d.put("poll.max-interval", "15s");
        d.put("poll.multiplier", "1.5");
        d.put("poll.deadline", "15m");
        d.put("emulator.enabled", "false");
        d.put("emulator.port", "0");
        d.put("emulator.latency", "1s");
        d.put("emulator.runsync-wait", "90s");
        d.put("emulator.faults", "");
        d.put("emulator.fetch-inputs", "false");
        return Collections.unmodifiableMap(d);
    }

    /** The defaults as placeholder properties, for a context that has no {@code application.properties} of ours. */
    public static Properties defaultProperties() {
        Properties properties = new Properties();
        DEFAULTS.forEach((key, value) -> properties.setProperty(PREFIX + key, value));
        return properties;
    }

    /**
     * Reads the settings from the context's property placeholders, falling back to {@link #DEFAULTS}.
     *
     * @throws IllegalArgumentException naming the key whose value is not usable
     */
    public static NanoBananaSettings from(CamelContext context) {
        NanoBananaProperties values = new NanoBananaProperties(context);
        return new NanoBananaSettings(
                stripTrailingSlash(values.text("endpoint-url")),
                values.text("api-key"),
                values.text("completed-dir"),
                values.text("failed-dir"),
                values.number("concurrency", 1),
                values.text("default.resolution"),
                values.text("default.output-format"),
                values.duration("http.connect-timeout"),
                values.duration("http.read-timeout"),
                values.number("retry.max-attempts", 1),
                values.duration("retry.initial-delay"),
                values.decimal("retry.multiplier"),
                values.duration("retry.max-delay"),
                values.duration("poll.initial-interval"),
                values.duration("poll.max-interval"),
                values.decimal("poll.multiplier"),
                values.duration("poll.deadline"));
    }

    /** The same settings aimed at another endpoint, such as the built-in emulator. */
    public NanoBananaSettings withEndpoint(String url, String key) {
        return new NanoBananaSettings(stripTrailingSlash(url), key, completedDir, failedDir, concurrency,
                defaultResolution, defaultOutputFormat, connectTimeout, readTimeout, retryMaxAttempts,
                retryInitialDelay, retryMultiplier, retryMaxDelay, pollInitialInterval, pollMaxInterval,
                pollMultiplier, pollDeadline);
    }

    public boolean hasApiKey() {
        return apiKey != null && !apiKey.isBlank();
    }

    @Override
    public String toString() {
        // the record's own toString would print the API key
        return "NanoBananaSettings[endpointUrl=" + endpointUrl + ", apiKey=" + (hasApiKey() ? "****" : "<none>")
               + ", completedDir=" + completedDir + ", failedDir=" + failedDir + ", concurrency=" + concurrency + "]";
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
