package dev.nanobanana.camel.app;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.apache.camel.Service;
import org.apache.camel.support.service.ServiceSupport;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;

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
        try {
            return Optional.of(AutoConfiguredOpenTelemetrySdk.builder()
                    // what a user sets wins; these only fill in what is not set: traces only, under the product's
                    // name, over OTLP/HTTP (the SDK's own default is gRPC, whose sender the runtime does not carry)
                    .addPropertiesSupplier(() -> Map.of(
                            "otel.service.name", DEFAULT_SERVICE_NAME,
                            "otel.exporter.otlp.protocol", "http/protobuf",
                            "otel.metrics.exporter", "none",
                            "otel.logs.exporter", "none"))
                    // closed when Camel stops (closedWithCamel), so that the last jobs' spans are sent
                    .disableShutdownHook()
                    .build()
                    .getOpenTelemetrySdk());
        } catch (ConfigurationException e) {
            throw new StartupRefused("Tracing: the OTEL_* settings are not usable: " + reason(e)
                                     + " (docs/tracing.md lists what the runtime supports)");
        }
    }

    /**
     * Closes the SDK when Camel stops, after its routes: what the exporter still holds, the last jobs' spans, is sent
     * before the JVM ends (a stop by signal ends it once Camel's shutdown hook returns).
     */
    static Service closedWithCamel(OpenTelemetrySdk sdk) {
        return new ServiceSupport() {
            @Override
            protected void doStop() {
                sdk.close();
            }
        };
    }

    private static String reason(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == e ? e.getMessage() : e.getMessage() + ": " + cause.getMessage();
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
