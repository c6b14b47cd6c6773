package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.RunpodEmulator;

/**
 * A plain Camel Main application of someone else's, as README's embedding section shows it: Camel's own
 * {@code org.apache.camel.main.Main}, its application.properties and logback.xml in its working folder, the library's
 * routes named by {@code camel.main.routes-builder-classes}, a copy of routes/inbox.camel.yaml and a route of its own
 * that calls the kamelet with no sink. What it finds in its working folder and in its log afterwards.
 */
class CamelMainApplicationIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final String OWN_ROUTE = """
            - route:
                id: edit-requests
                from:
                  uri: file:requests
                  parameters:
                    move: .done
                  steps:
                    - to: kamelet:nano-banana-edit-action
                    - to: file:answers
            """;

    @TempDir
    Path app;
    RunpodEmulator emulator;
    Process process;

    @BeforeEach
    void startEmulator() throws Exception {
        // a job takes a few seconds, so that the progress line has something to say
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofSeconds(3)));
        Files.createDirectories(app.resolve("routes"));
        Files.createDirectories(app.resolve("inbox"));
        Files.createDirectories(app.resolve("requests"));
        Files.copy(Path.of("routes/inbox.camel.yaml"), app.resolve("routes/inbox.camel.yaml"));
        Files.writeString(app.resolve("routes/edit.camel.yaml"), OWN_ROUTE);
        Files.writeString(app.resolve("logback.xml"), """
                <configuration>
                    <appender name="console" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%-5level %logger %msg%n</pattern></encoder>
                    </appender>
                    <root level="INFO"><appender-ref ref="console"/></root>
                </configuration>
                """);
    }

    @AfterEach
    void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        emulator.close();
    }

    @Test
    void routeBuilderClassesRunTheInboxCopyAndTheKameletAndKeepTheirStateInTheWorkingFolder() throws Exception {
        start("""
                nanobanana.progress.interval = 1s
                """);

        Files.writeString(app.resolve("inbox/vase.json"),
                "{\"prompt\": \"Make the vase blue\", \"images\": [\"https://images.test/vase.png\"]}");
        Files.writeString(app.resolve("requests/cup.json"),
                "{\"id\": \"cup\", \"prompt\": \"Make the cup red\", \"images\": [\"https://images.test/cup.png\"]}");
        await().atMost(WAIT).until(() -> Files.exists(app.resolve("inbox/.done/vase.json"))
                                         && Files.exists(app.resolve("answers/cup.json")));
        String log = stopAndReadLog();

        // the state the library keeps, under the working folder, as the README lists it
        assertThat(app.resolve("state/ledger.mv.db")).as(log).isRegularFile();
        assertThat(app.resolve("out/spool")).isDirectory();
        assertThat(app.resolve("out/completed/vase.png")).isRegularFile();
        // the kamelet was given no sink: the pipeline's own folder
        assertThat(app.resolve("out/completed/cup.png")).isRegularFile();
        // Camel Main lists every nanobanana.* default the library gives the context, and the progress line is said
        List<String> defaults = log.lines()
                .filter(line -> line.contains("[InitialProperties]") && line.contains(" nanobanana.")).toList();
        assertThat(defaults).hasSizeBetween(35, 50)
                .anySatisfy(line -> assertThat(line).endsWith("nanobanana.ledger.url = jdbc:h2:file:./state/ledger"));
        assertThat(log).contains("INFO  org.apache.camel.main.BaseMainSupport Property-placeholders summary")
                .contains("INFO  dev.nanobanana.camel.observe.ProgressLog Progress: ");
        // the secrets among them are masked
        assertThat(log).doesNotContain(emulator.apiKey()).contains("nanobanana.api-key = xxxxxx");
    }

    @Test
    void theSummaryOfDefaultsAndTheProgressLineAreQuietedByTwoKeys() throws Exception {
        start("""
                nanobanana.progress.interval = 0
                camel.main.auto-configuration-log-summary = false
                """);

        Files.writeString(app.resolve("inbox/vase.json"),
                "{\"prompt\": \"Make the vase blue\", \"images\": [\"https://images.test/vase.png\"]}");
        await().atMost(WAIT).until(() -> Files.exists(app.resolve("inbox/.done/vase.json")));
        String log = stopAndReadLog();

        assertThat(app.resolve("out/completed/vase.png")).as(log).isRegularFile();
        assertThat(log).doesNotContain("nanobanana.ledger.url", "Property-placeholders summary", "Progress: ");
    }

    /** Starts the application: {@code java -cp .:<its dependencies> org.apache.camel.main.Main} in its folder. */
    void start(String moreProperties) throws Exception {
        Files.writeString(app.resolve("application.properties"), """
                camel.main.name = shop
                camel.main.routes-builder-classes = dev.nanobanana.camel.pipeline.NanoBananaErrorHandling,\
                dev.nanobanana.camel.pipeline.NanoBananaRoutes
                camel.main.routes-include-pattern = file:routes/*.camel.yaml
                nanobanana.endpoint-url = %s
                """.formatted(emulator.endpointUrl()) + moreProperties, StandardCharsets.UTF_8);
        // the application's own folder first, for its application.properties and logback.xml; no test classes or
        // their logback-test.xml, and no emulator (its own jar), which runs in the test
        String classpath = "." + File.pathSeparator
                           + Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                                   .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("-emulator.jar"))
                                   .collect(Collectors.joining(File.pathSeparator));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", classpath, "org.apache.camel.main.Main")
                .directory(app.toFile())
                .redirectErrorStream(true).redirectOutput(app.resolve("app.log").toFile());
        builder.environment().put("RUNPOD_API_KEY", emulator.apiKey());
        process = builder.start();
    }

    /** Stops the application as a terminal's Ctrl-C or a service manager would, and gives its log. */
    String stopAndReadLog() throws Exception {
        process.destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return Files.readString(app.resolve("app.log"));
    }
}
