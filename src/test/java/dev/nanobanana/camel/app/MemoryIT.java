package dev.nanobanana.camel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.emulator.Base64Style;
import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RunpodEmulator;
import dev.nanobanana.camel.pipeline.RateLimitTest;

/**
 * Images stream from the socket to the sink, never whole in memory: the runtime, as a user starts it but with a
 * 64 MB heap, stores 8 MB images, an 8 MB image answered inline as base64, and 400 8 MB images at once.
 */
class MemoryIT {

    static final int IMAGE_BYTES = 8 * 1024 * 1024;

    @TempDir
    Path home;
    RunpodEmulator emulator;
    Process app;

    @BeforeEach
    void startEmulatorAndRuntime() throws IOException {
        // long enough for all 400 submits to meet at the emulator even on a loaded machine, with other test JVMs
        // beside it (2 s was not, once; 6 s was not, with three test JVMs and other builds on 2 cores)
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofSeconds(20))
                .withImageBytes(IMAGE_BYTES).withBase64Style(Base64Style.DATA_URI_IN_IMAGE_URL));
        for (String folder : List.of("config", "routes")) {
            FatJarIT.copy(Path.of(folder), home.resolve(folder));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx64m", "-Dcamel.management.port=0", "-jar", FatJarIT.APP_JAR.toAbsolutePath().toString())
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(home.resolve("runtime.log").toFile());
        builder.environment().put("RUNPOD_API_KEY", emulator.apiKey());
        builder.environment().put("NANOBANANA_ENDPOINT_URL", emulator.endpointUrl());
        builder.environment().put("NANOBANANA_CONCURRENCY", "400");
        app = builder.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        app.destroy();
        if (!app.waitFor(30, TimeUnit.SECONDS)) {
            app.destroyForcibly();
        }
        emulator.close();
    }

    @Test
    void eightMegabyteImagesByUrlAndInlineAndFourHundredAtOnceAllReachTheSink() throws Exception {
        Files.createDirectories(home.resolve("inbox"));
        drop("inline.yaml", "prompt: p\nimages: [https://images.test/a.png]\nenable_base64_output: true\n");
        drop("url.yaml", "prompt: p\nimages: [https://images.test/a.png]\n");
        awaitFile(home.resolve("out/completed/inline.json"));
        awaitFile(home.resolve("out/completed/url.json"));
        long size = Files.size(home.resolve("out/completed/url.png"));
        // the emulator's image is a real PNG of about 8 MB
        assertThat(size).isGreaterThan(8_000_000);
        assertThat(Files.mismatch(home.resolve("out/completed/inline.png"), home.resolve("out/completed/url.png")))
                .isEqualTo(-1);

        drop("batch.yaml", RateLimitTest.jobs(400));
        await().atMost(Duration.ofMinutes(3)).until(() -> Files.exists(home.resolve("inbox/.done/batch.yaml"))
                                                          || Files.exists(home.resolve("inbox/.failed/batch.yaml"))
                                                          || !app.isAlive());
        assertThat(home.resolve("inbox/.done/batch.yaml")).as(log()).exists();
        try (Stream<Path> images = Files.list(home.resolve("out/completed"))) {
            assertThat(images.filter(file -> file.toString().endsWith(".png"))
                    .filter(file -> file.toFile().length() == size)).hasSize(402);
        }
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(402);
        assertThat(emulator.maxConcurrentJobs()).isEqualTo(400);
        assertThat(log()).doesNotContain("OutOfMemoryError");
    }

    private void drop(String name, String content) throws IOException {
        Path staged = Files.writeString(home.resolve(name), content, StandardCharsets.UTF_8);
        Files.move(staged, home.resolve("inbox").resolve(name));
    }

    private void awaitFile(Path file) {
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(file) || !app.isAlive());
        assertThat(file).as("%s (runtime log:%n%s)", file, log()).exists();
    }

    private String log() {
        try {
            return Files.readString(home.resolve("runtime.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }
}
