package dev.nanobanana.camel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RunpodEmulator;
import dev.nanobanana.camel.testing.S3TestServer;

/** The fat jar run as a user runs it: {@code java -jar} from a folder holding config/, routes/ and examples/. */
public class FatJarIT {

    public static final Path APP_JAR = Path.of(System.getProperty("app.jar", "target/nano-banana-camel-app.jar"));
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path home;
    Process app;
    Path output;

    @BeforeEach
    void layOutTheRuntimeFolder() throws IOException {
        assertThat(APP_JAR).as("built by mvn package").exists();
        for (String folder : List.of("config", "routes", "examples")) {
            copy(Path.of(folder), home.resolve(folder));
        }
        output = home.resolve("runtime.log");
    }

    @AfterEach
    void stopTheRuntime() throws InterruptedException {
        if (app != null && app.isAlive()) {
            app.destroy();
            if (!app.waitFor(30, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        }
    }

    @Test
    void firstRunProcessesTheExamplesOnTheEmulatorThenWatchesTheInbox() throws Exception {
        start(Map.of(), "-Dnanobanana.emulator.enabled=true");

        Path examples = home.resolve("out/examples/completed");
        for (String file : List.of("shoe.png", "shoe.json", "runsync-body.png", "mug-studio.png",
                "product-shots-2.jpeg", "product-shots-2.json")) {
            awaitFile(examples.resolve(file));
        }
        assertThat(ImageIO.read(examples.resolve("mug-studio.png").toFile()).getWidth()).isEqualTo(2048);
        Path failedExamples = home.resolve("out/examples/failed");
        assertThat(json(failedExamples.resolve("typo.error.json")).get("reason").asText())
                .contains("unknown field \"promt\" (did you mean \"prompt\"?)");
        assertThat(json(failedExamples.resolve("unreachable-image.error.json")).get("runpodStatus").asText())
                .isEqualTo("FAILED");
        // the examples are read where they are: the inbox and the sinks are the user's alone
        assertThat(home.resolve("examples/shoe.json")).exists();
        assertThat(home.resolve("out/completed/shoe.png")).doesNotExist();

        Path completed = home.resolve("out/completed");
        Files.createDirectories(home.resolve("inbox"));
        Files.writeString(home.resolve("inbox/later.yaml"),
                "prompt: Make it blue\nimages: [https://images.test/a.png]\noutput_format: jpeg\n");
        awaitFile(completed.resolve("later.json"));
        assertThat(ImageIO.read(completed.resolve("later.jpeg").toFile())).isNotNull();
        awaitFile(home.resolve("inbox/.done/later.yaml"));
        assertThat(log()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void refusesToStartAgainstTheRealEndpointWithoutAnApiKey() throws Exception {
        start(Map.of());

        assertThat(app.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(app.exitValue()).isEqualTo(2);
        assertThat(log().lines().filter(line -> line.contains(" ERROR ")).toList()).singleElement().asString()
                .endsWith("No RunPod API key: set RUNPOD_API_KEY (or nanobanana.api-key), "
                          + "or try the built-in emulator with -Dnanobanana.emulator.enabled=true");
        assertThat(log()).doesNotContain("\tat ");
    }

    @Test
    void sendsJobsWithTheKeyFromTheEnvironmentAndNeverLogsIt() throws Exception {
        String key = "rpa_FATJAR_SECRET_KEY_42";
        try (RunpodEmulator endpoint = RunpodEmulator.start(EmulatorSettings.defaults().withApiKey(key)
                .withLatency(Duration.ofMillis(100)))) {
            start(Map.of("RUNPOD_API_KEY", key, "NANOBANANA_ENDPOINT_URL", endpoint.endpointUrl()));
            await().atMost(WAIT).until(() -> log().contains("Sending jobs to " + endpoint.endpointUrl()));

            Files.copy(home.resolve("examples/shoe.json"), home.resolve("inbox-staged.json"));
            Files.createDirectories(home.resolve("inbox"));
            Files.move(home.resolve("inbox-staged.json"), home.resolve("inbox/shoe.json"));

            JsonNode record = json(home.resolve("out/completed/shoe.json"));
            assertThat(record.get("runpodId").asText()).startsWith("sync-");
            awaitFile(home.resolve("inbox/.done/shoe.json"));
            assertThat(endpoint.requests(Operation.RUNSYNC)).singleElement()
                    .satisfies(request -> assertThat(request.authorized()).isTrue());
            // the examples are for the emulator only: against an endpoint that charges, they are never sent
            assertThat(home.resolve("out/completed/mug-studio.json")).doesNotExist();
            assertThat(log()).doesNotContain(key);
        }
    }

    @Test
    void s3OutOfReachAtStartLeavesTheRuntimeRunningAndItsJobsAreTakenOnceItIsBack() throws Exception {
        try (S3TestServer s3 = S3TestServer.start()) {
            s3.createBucket("partner");
            s3.put("partner", "inbox/shoe.json", Files.readString(Path.of("examples/shoe.json")));
            s3.stop();
            start(Map.of("NANOBANANA_S3_ENABLED", "true", "NANOBANANA_S3_BUCKET", "partner",
                    "NANOBANANA_S3_ENDPOINT_URL", s3.endpoint().toString(), "NANOBANANA_S3_PATH_STYLE", "true",
                    "NANOBANANA_S3_ACCESS_KEY", s3.accessKey(), "NANOBANANA_S3_SECRET_KEY", s3.secretKey(),
                    "NANOBANANA_S3_CHECKSUMS", "when-required"),
                    "-Dnanobanana.emulator.enabled=true");

            // the folder inbox works while S3 is away
            Files.createDirectories(home.resolve("inbox"));
            Files.writeString(home.resolve("inbox/local.yaml"), "prompt: p\nimages: [https://images.test/a.png]\n");
            awaitFile(home.resolve("out/completed/local.json"));
            assertThat(app.isAlive()).isTrue();

            s3.restart();
            await().atMost(WAIT).until(() -> s3.get("partner", "out/completed/shoe.json").isPresent());
            await().atMost(WAIT).until(() -> s3.keys("partner", "inbox/").equals(List.of("inbox/.done/shoe.json")));
            assertThat(log()).doesNotContain(s3.secretKey()).doesNotContain(s3.accessKey());
        }
    }

    private void start(Map<String, String> environment, String... systemProperties) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the management server on a free port: 8080 may be taken on the machine that runs the tests
        List<String> command = new ArrayList<>(List.of(java, "-Dcamel.management.port=0"));
        command.addAll(List.of(systemProperties));
        command.addAll(List.of("-jar", APP_JAR.toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("NANOBANANA_") || name.equals("RUNPOD_API_KEY"));
        builder.environment().putAll(environment);
        app = builder.start();
    }

    private String log() throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    private Path awaitFile(Path file) {
        await().atMost(WAIT).until(() -> Files.exists(file) || !app.isAlive());
        assertThat(file).as("%s (runtime log:%n%s)", file, logQuietly()).exists();
        return file;
    }

    private JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(awaitFile(file).toFile());
    }

    private String logQuietly() {
        try {
            return log();
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Copies a folder of the project (config/, routes/, examples/) into a runtime's folder. */
    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> tree = Files.walk(from)) {
            for (Path source : tree.toList()) {
                Files.copy(source, to.resolve(from.relativize(source).toString()));
            }
        }
    }
}
