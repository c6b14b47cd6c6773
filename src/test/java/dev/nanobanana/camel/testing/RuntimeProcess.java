package dev.nanobanana.camel.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import dev.nanobanana.camel.app.FatJarIT;

/**
 * The runtime as a user runs it, {@code java -jar} with the JVM options of {@code bin/nano-banana-camel}
 * ({@link ShippedJvm}) from a folder holding config/ and routes/, for tests that stop it the hard way (kill -9) or the
 * polite way (SIGTERM) and start it again on the same folder.
 */
public final class RuntimeProcess {

    private static final Pattern MANAGEMENT_SERVER = Pattern.compile("HttpServer started on (\\S+:\\d+)");

    private final Path home;
    private final Map<String, String> environment;
    private final List<String> jvmOptions;
    private Process process;
    private int starts;

    public RuntimeProcess(Path home, Map<String, String> environment, String... jvmOptions) throws IOException {
        this.home = home;
        this.environment = environment;
        this.jvmOptions = List.of(jvmOptions);
        for (String folder : List.of("config", "routes")) {
            copy(Path.of(folder), home.resolve(folder));
        }
        Files.createDirectories(home.resolve("inbox"));
    }

    /** Starts the runtime with these arguments (none: as a service). */
    public void start(String... arguments) throws IOException {
        List<String> command = ShippedJvm.javaCommand();
        // a free port for the management server, unless the test names one: 8080 may be taken on the machine that
        // runs the tests, and two instances run side by side; a test's own -D comes later and wins
        if (!environment.containsKey("CAMEL_MANAGEMENT_PORT")) {
            command.add("-Dcamel.management.port=0");
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", FatJarIT.APP_JAR.toAbsolutePath().toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("runtime.log").toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("NANOBANANA_") || name.equals("RUNPOD_API_KEY"));
        builder.environment().putAll(environment);
        Files.writeString(home.resolve("runtime.log"), "=== start " + ++starts + System.lineSeparator(),
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = builder.start();
    }

    /** {@code --once}, as a cron job runs it: one batch, waited for to its end; answers the exit code. */
    public int once() throws IOException, InterruptedException {
        return run(Duration.ofSeconds(180), "--once").exitCode();
    }

    /**
     * Runs the runtime with these arguments to its end, as a cron job or a user's shell does: its exit code and what
     * this run logged.
     */
    public Finished run(Duration within, String... arguments) throws IOException, InterruptedException {
        start(arguments);
        assertThat(process.waitFor(within.toSeconds(), TimeUnit.SECONDS)).as("the run ended:%n%s", log()).isTrue();
        String log = log();
        return new Finished(process.exitValue(), log.substring(log.lastIndexOf("=== start ")));
    }

    /** A run that ended: its exit code and its log. */
    public record Finished(int exitCode, String output) {
    }

    /** kill -9: no shutdown hook, no graceful anything. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /** SIGTERM, as a redeploy or docker stop sends it. */
    public void terminate() throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(log()).isTrue();
    }

    /** The running runtime's process id, for a thread dump ({@code jcmd <pid> Thread.print}). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public Path home() {
        return home;
    }

    public Path path(String relative) {
        return home.resolve(relative);
    }

    public String log() {
        try {
            return Files.readString(home.resolve("runtime.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * The management server's address (health and metrics) of the current start, as the runtime logs it once it
     * listens; null until then.
     */
    public String managementUrl() {
        String log = log();
        Matcher started = MANAGEMENT_SERVER.matcher(log.substring(Math.max(0, log.lastIndexOf("=== start "))));
        return started.find() ? "http://" + started.group(1) : null;
    }

    /** Writes a job file beside the inbox and moves it in, as a careful user does. */
    public void drop(String name, String content) throws IOException {
        Path staged = Files.writeString(home.resolve("." + name), content, StandardCharsets.UTF_8);
        Files.move(staged, home.resolve("inbox").resolve(name));
    }

    public long count(String folder, String suffix) throws IOException {
        Path path = home.resolve(folder);
        if (!Files.isDirectory(path)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(path)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> !name.startsWith(".") && name.endsWith(suffix)).count();
        }
    }

    public List<String> names(String folder, String suffix) throws IOException {
        Path path = home.resolve(folder);
        if (!Files.isDirectory(path)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(path)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> !name.startsWith(".") && name.endsWith(suffix)).sorted().toList();
        }
    }

    /** Stops the runtime if it still runs. */
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> tree = Files.walk(from)) {
            for (Path source : tree.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                // a runtime started again on the same folder keeps the folder's files
                if (!Files.exists(target)) {
                    Files.copy(source, target);
                }
            }
        }
    }
}
