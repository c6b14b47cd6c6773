package dev.nanobanana.camel.app;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Locale;
import java.util.function.Function;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

/**
 * The runtime's traces, sent over OTLP when the standard OpenTelemetry settings say where: the environment's
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} (or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}, or their {@code -Dotel.*} forms),
 * read by the OpenTelemetry SDK's autoconfiguration with every other {@code OTEL_*} variable it knows
 * ({@code OTEL_SERVICE_NAME}, {@code OTEL_EXPORTER_OTLP_HEADERS}, {@code OTEL_TRACES_SAMPLER}...). Without an endpoint,
 * or with {@code OTEL_SDK_DISABLED=true} or {@code OTEL_TRACES_EXPORTER=none}, there is no SDK at all: no exporter, no
 * thread, no span.
 */
final class TraceExport {

    static final String DEFAULT_SERVICE_NAME = "nano-banana-camel";

    private TraceExport() {
    }

    /** The SDK the settings ask for, or none. */
    static Optional<OpenTelemetrySdk> fromSettings(Function<String, String> environment) {
        if (endpoint(environment).isEmpty() || "true".equalsIgnoreCase(setting(environment, "OTEL_SDK_DISABLED"))
            || "none".equalsIgnoreCase(setting(environment, "OTEL_TRACES_EXPORTER"))) {
            return Optional.empty();
        }
        return Optional.of(AutoConfiguredOpenTelemetrySdk.builder()
                // what a user sets wins; these only fill in what is not set: traces only, under the product's name
                .addPropertiesSupplier(() -> Map.of(
                        "otel.service.name", DEFAULT_SERVICE_NAME,
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none"))
                // closed once Camel has stopped, so that the last jobs' spans are sent
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk());
    }

    /** Where the traces go, as the log may show it: no user, no query. */
    static Optional<String> endpoint(Function<String, String> environment) {
        String endpoint = setting(environment, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        if (endpoint == null) {
            endpoint = setting(environment, "OTEL_EXPORTER_OTLP_ENDPOINT");
        }
        if (endpoint == null || endpoint.isBlank()) {
            return Optional.empty();
        }
        try {
            URI uri = URI.create(endpoint.trim());
            return Optional.of(uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                               + (uri.getPath() == null ? "" : uri.getPath()));
        } catch (IllegalArgumentException e) {
            return Optional.of(endpoint.trim());
        }
    }

    /** A setting as the SDK reads it: {@code -Dotel.x.y} first, then {@code OTEL_X_Y}. */
    private static String setting(Function<String, String> environment, String variable) {
        String property = System.getProperty(variable.toLowerCase(Locale.ROOT).replace('_', '.'));
        return property != null ? property : environment.apply(variable);
    }
}
