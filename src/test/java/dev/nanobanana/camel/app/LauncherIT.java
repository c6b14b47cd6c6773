package dev.nanobanana.camel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/nano-banana-camel}, README's way to run the runtime: the built jar with the JVM settings it is measured
 * with, its arguments handed on, and the process it starts the one that signals reach.
 */
class LauncherIT {

    static final Path LAUNCHER = Path.of("bin", "nano-banana-camel").toAbsolutePath();

    @TempDir
    Path home;
    private Process launched;

    @AfterEach
    void stop() throws InterruptedException {
        if (launched != null && launched.isAlive()) {
            launched.destroyForcibly();
            launched.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void readmesCommandRunsTheExamplesOnC1WithA256MegabyteHeapAndTheParallelCollectorAndStopsOnSigterm() throws Exception {
        for (String folder : List.of("config", "routes", "examples")) {
            FatJarIT.copy(Path.of(folder), home.resolve(folder));
        }
        launched = launcher(Map.of("NANOBANANA_EMULATOR_ENABLED", "true")).start();

        await().atMost(FatJarIT.WAIT).until(() -> Files.exists(home.resolve("out/examples/completed/shoe.png")));
        // exec: the launcher's process became the JVM, so this is the runtime's own process id
        Process flags = new ProcessBuilder("jcmd", Long.toString(launched.pid()), "VM.flags")
                .redirectErrorStream(true).start();
        String said = new String(flags.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(flags.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(said).contains("-XX:TieredStopAtLevel=1").contains("-XX:MaxHeapSize=268435456")
                .contains("-XX:+UseParallelGC");

        launched.destroy();
        assertThat(launched.waitFor(60, TimeUnit.SECONDS)).as("stopped by SIGTERM").isTrue();
        assertThat(log()).contains("The job ledger closed after");
    }

    @Test
    void javaOptsReplaceItsSettingsAndItsArgumentsGoToTheRuntime() throws Exception {
        launched = launcher(Map.of("JAVA_OPTS", "-XX:+PrintCommandLineFlags -Xmx200m")).command(LAUNCHER.toString(),
                "--help").start();

        assertThat(launched.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(launched.exitValue()).isZero();
        assertThat(log()).contains("-XX:MaxHeapSize=209715200").doesNotContain("TieredStopAtLevel")
                .doesNotContain("UseParallelGC").contains("--once").contains("--costs");
    }

    @Test
    void withoutABuiltJarItSaysHowToBuildOne() throws Exception {
        launched = launcher(Map.of("NANOBANANA_JAR", home.resolve("missing.jar").toString())).start();

        assertThat(launched.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(launched.exitValue()).isEqualTo(2);
        assertThat(log()).contains("missing.jar not found: build it first (mvn -B package -DskipTests)");
    }

    private ProcessBuilder launcher(Map<String, String> environment) {
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString()).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(home.resolve("runtime.log").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("NANOBANANA_") || name.equals("JAVA_OPTS")
                                                        || name.equals("JAVA_TOOL_OPTIONS"));
        // a free port: 8080 may be taken where the tests run
        builder.environment().put("CAMEL_MANAGEMENT_PORT", "0");
        if (!FatJarIT.APP_JAR.equals(Path.of("target/nano-banana-camel-app.jar"))) {
            builder.environment().put("NANOBANANA_JAR", FatJarIT.APP_JAR.toAbsolutePath().toString());
        }
        builder.environment().putAll(environment);
        return builder;
    }

    private String log() throws IOException {
        return Files.readString(home.resolve("runtime.log"));
    }
}
