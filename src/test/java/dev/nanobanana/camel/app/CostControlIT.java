package dev.nanobanana.camel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.camel.testing.ShippedJvm;
import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.RunpodEmulator;
import dev.nanobanana.camel.testing.RuntimeProcess;

/** The dry run and {@code --costs} as a user runs them: as bin/nano-banana-camel does, from the runtime's folder. */
class CostControlIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final String BATCH = """
            jobs:
              - {id: one-k, prompt: one, images: [https://images.test/a.png], resolution: 1k}
              - {id: two-k, prompt: two, images: [https://images.test/a.png], resolution: 2k}
              - {id: four-k, prompt: four, images: [https://images.test/a.png], resolution: 4k}
            """;

    @TempDir
    Path home;
    RuntimeProcess runtime;

    @AfterEach
    void stopTheRuntime() throws InterruptedException {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void aDryRunPricesTheInboxWritesItsReportSendsNothingAndMovesNoFile() throws Exception {
        try (RunpodEmulator endpoint = RunpodEmulator.start(EmulatorSettings.defaults())) {
            runtime = new RuntimeProcess(home, Map.of());
            runtime.drop("batch.yaml", BATCH);
            runtime.drop("typo.json", "{\"promt\": \"Make it yellow\", \"images\": [\"https://images.test/a.png\"]}");
            List<String> inboxBefore = listing(home.resolve("inbox"));

            Finished dryRun = run(Map.of("NANOBANANA_DRY_RUN", "true", "NANOBANANA_ENDPOINT_URL",
                    endpoint.endpointUrl()));

            assertThat(dryRun.exitCode()).as(dryRun.output()).isZero();
            assertThat(endpoint.requests()).as("nothing sent").isEmpty();
            assertThat(listing(home.resolve("inbox"))).isEqualTo(inboxBefore);
            assertThat(home.resolve("state")).as("no ledger opened").doesNotExist();
            JsonNode report = new ObjectMapper().readTree(home.resolve("out/dry-run.json").toFile());
            assertThat(report.get("totalUsd").decimalValue()).isEqualByComparingTo("0.3925");
            assertThat(report.get("jobs")).extracting(job -> job.get("id").asText())
                    .containsExactly("one-k", "two-k", "four-k");
            assertThat(report.at("/invalid/0/reason").asText()).contains("unknown field \"promt\"");
            assertThat(Files.readString(home.resolve("out/dry-run.txt")))
                    .contains("3 job(s) would be sent, for 0.3925 USD.");
            assertThat(dryRun.output()).contains("Dry run: 3 job(s) would be sent for 0.3925 USD, 1 invalid")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void costsPrintsWhatWasSpentPerDayAndSourceAfterABatch() throws Exception {
        runtime = new RuntimeProcess(home, Map.of(), "-Dnanobanana.emulator.enabled=true",
                "-Dnanobanana.emulator.latency=100ms");
        runtime.start();
        runtime.drop("batch.yaml", BATCH);
        await().atMost(WAIT).until(() -> Files.exists(home.resolve("inbox/.done/batch.yaml")));

        Finished whileRunning = run(Map.of(), "--costs");
        assertThat(whileRunning.exitCode()).isEqualTo(2);
        assertThat(whileRunning.output().strip()).endsWith("is open in a running nano-banana-camel, and H2 lets one "
                + "process at a time open it: run --costs while the runtime is stopped, or use a PostgreSQL ledger "
                + "(nanobanana.ledger.url)").doesNotContain("\tat ");

        runtime.terminate();
        Finished costs = run(Map.of(), "--costs");

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        assertThat(costs.exitCode()).as(costs.output()).isZero();
        assertThat(costs.output())
                .containsPattern(today + " +inbox +3 +0\\.3925")
                .containsPattern("\ninbox +3 +0\\.3925")
                .containsPattern("\ntotal +3 +0\\.3925")
                .contains("In flight (submitted, cost not known yet): 0 job(s), 0 USD");
    }

    record Finished(int exitCode, String output) {
    }

    /** The jar run once in the runtime's folder, to its end. */
    Finished run(Map<String, String> environment, String... arguments) throws IOException, InterruptedException {
        List<String> command = ShippedJvm.javaCommand();
        command.addAll(List.of("-Dcamel.management.port=0", "-jar", FatJarIT.APP_JAR.toAbsolutePath().toString()));
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile(home, "run-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("NANOBANANA_") || name.equals("RUNPOD_API_KEY"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits").isTrue();
        return new Finished(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    private static List<String> listing(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.map(file -> folder.relativize(file).toString()).sorted().toList();
        }
    }
}
