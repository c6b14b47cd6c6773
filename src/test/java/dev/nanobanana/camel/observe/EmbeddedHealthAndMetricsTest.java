package dev.nanobanana.camel.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.RunpodEmulator;
import dev.nanobanana.camel.pipeline.NanoBananaErrorHandling;
import dev.nanobanana.camel.pipeline.NanoBananaRoutes;

/**
 * An application that embeds the pipeline gets its readiness checks through Camel's health-check API and its meters
 * in the application's own Micrometer registry, without the standalone runtime's HTTP server.
 */
class EmbeddedHealthAndMetricsTest {

    @TempDir
    Path work;
    RunpodEmulator emulator;
    CamelContext context;

    @AfterEach
    void stopApplication() {
        if (context != null) {
            context.stop();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void theApplicationsRegistryCountsTheJobAndItsHealthChecksSayRunpodIsThere() throws Exception {
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofMillis(50)));
        MeterRegistry meters = new SimpleMeterRegistry();
        context = new DefaultCamelContext();
        context.getRegistry().bind("metricsRegistry", meters);
        Properties properties = new Properties();
        properties.setProperty("nanobanana.endpoint-url", emulator.endpointUrl());
        properties.setProperty("nanobanana.api-key", emulator.apiKey());
        properties.setProperty("nanobanana.completed-dir", work.resolve("completed").toString());
        properties.setProperty("nanobanana.failed-dir", work.resolve("failed").toString());
        properties.setProperty("nanobanana.spool-dir", work.resolve("spool").toString());
        properties.setProperty("nanobanana.ledger.url", "jdbc:h2:file:" + work.resolve("state/ledger"));
        properties.setProperty("nanobanana.health.interval", "1s");
        context.getPropertiesComponent().setInitialProperties(properties);
        context.addRoutes(new NanoBananaErrorHandling());
        context.addRoutes(new NanoBananaRoutes());
        context.start();

        context.createProducerTemplate().sendBody(NanoBananaRoutes.JOB, Map.of("id", "embedded", "prompt", "p",
                "images", List.of("https://images.test/a.png"), "resolution", "4k"));

        assertThat(meters.get("nanobanana.jobs.completed").counter().count()).isEqualTo(1.0);
        assertThat(meters.get("nanobanana.spent.usd").tag("resolution", "4k").functionCounter().count())
                .isEqualTo(0.175);
        assertThat(meters.get("nanobanana.images.written.bytes").counter().count())
                .isEqualTo(work.resolve("completed/embedded.png").toFile().length());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                HealthCheckHelper.invoke(context, check -> Map.of(), check -> !check.isReadiness(), "full"))
                .filteredOn(result -> result.getCheck().getId().startsWith("nanobanana-"))
                .extracting(result -> result.getCheck().getId() + " " + result.getState())
                .containsExactlyInAnyOrder("nanobanana-runpod UP", "nanobanana-ledger UP", "nanobanana-folders UP",
                        "nanobanana-sources UP"));
        assertThat(HealthCheckHelper.invoke(context, check -> Map.of(), check -> !check.isLiveness(), "full"))
                .noneMatch(result -> result.getCheck().getId().startsWith("nanobanana-"))
                .allMatch(result -> result.getState() == HealthCheck.State.UP);
    }
}
