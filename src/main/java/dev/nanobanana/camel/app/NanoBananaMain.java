package dev.nanobanana.camel.app;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nanobanana.camel.app.once.BatchSummary;
import dev.nanobanana.camel.app.once.OnceBatch;
import dev.nanobanana.camel.app.once.ProgressBar;
import dev.nanobanana.camel.app.once.ProgressLines;
import dev.nanobanana.camel.app.once.SummaryText;
import dev.nanobanana.camel.egress.Egress;

/**
 * The standalone runtime: Camel Main started from a folder that holds {@code config/application.properties} and the
 * YAML routes in {@code routes/}, as a service or, with {@code --once}, for one batch; or, with {@code --emulator}, the
 * built-in RunPod emulator alone; or, with {@code --costs}, what the job ledger says was spent.
 */
public final class NanoBananaMain {

    static final Path CONFIG = Path.of("config", "application.properties");
    /** The exit code when the runtime could not start: bad settings, no API key, an unknown option. */
    static final int NOT_STARTED = 2;
    /** The least level the console shows, read by config/logback.xml. */
    static final String CONSOLE_THRESHOLD = "console.threshold";
    /** How long a stop by signal waits for the summary, at most: printing it takes no time once Camel has stopped. */
    private static final long SUMMARY_WAIT_SECONDS = 10;

    private NanoBananaMain() {
    }

    /**
     * java.net.http hands every answer of an asynchronous request to the common ForkJoinPool, which on a machine of
     * one or two cores has a parallelism of 1, and then starts a new thread for each task: two threads a job. A
     * parallelism of 2 makes it a pool. Must run before anything touches CompletableFuture; a -D on the command line
     * wins.
     */
    private static void poolAnswersOnSmallMachines() {
        String parallelism = "java.util.concurrent.ForkJoinPool.common.parallelism";
        if (System.getProperty(parallelism) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(parallelism, "2");
        }
    }

    /** The path as the user would type it from the runtime's folder. */
    private static Path fromHere(Path file) {
        Path here = Path.of("").toAbsolutePath();
        Path absolute = file.toAbsolutePath();
        return absolute.startsWith(here) ? here.relativize(absolute) : absolute;
    }

    public static void main(String[] args) throws Exception {
        poolAnswersOnSmallMachines();
        // a proxy with credentials (nanobanana.http.proxy, HTTPS_PROXY) in front of an https URL; read once, at the
        // HTTP client's first use
        Egress.allowBasicOnTunnels();
        List<String> arguments = List.of(args);
        if (arguments.contains(BuiltInEmulator.OPTION)) {
            // the emulator alone, for a client in another process: no Camel, no config/ folder needed
            System.exit(BuiltInEmulator.runAlone(arguments.stream().filter(arg -> !arg.equals(BuiltInEmulator.OPTION))
                    .toList(), System.out, System.err));
        }
        // Logback is set up before the first logger is made, Camel Main's among them
        LogFormat format;
        try {
            format = LogFormat.chosen(System.getenv(), System.getProperties(), CONFIG);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(NOT_STARTED);
            return;
        }
        // a progress bar has a terminal to itself; a JSON log has every line of the output
        boolean progressBar = System.console() != null && format == LogFormat.TEXT;
        if (arguments.contains(CommandLine.ONCE) && progressBar && System.getProperty(CONSOLE_THRESHOLD) == null) {
            // the progress bar has the terminal: the console shows warnings and errors only (config/logback.xml)
            System.setProperty(CONSOLE_THRESHOLD, "WARN");
        }
        if (System.getProperty("logback.configurationFile") == null) {
            if (Files.isRegularFile(format.configuration())) {
                System.setProperty("logback.configurationFile", format.configuration().toString());
            } else if (format != LogFormat.TEXT) {
                System.err.println(LogFormat.KEY + "=" + format.name().toLowerCase(Locale.ROOT) + " needs "
                                   + format.configuration() + ", which is not in " + Path.of("").toAbsolutePath()
                                   + ": copy it from the release's config/ folder");
                System.exit(NOT_STARTED);
            }
        }
        RuntimeMain main = new RuntimeMain();
        CommandLine command;
        try {
            command = CommandLine.parse(arguments, main::argumentsTaken);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + " (--help lists the options)");
            System.exit(NOT_STARTED);
            return;
        }
        if (command.help()) {
            main.showOptions();
            System.exit(0);
        }
        Logger log = LoggerFactory.getLogger(NanoBananaMain.class);
        // what a batch or a dry run prints for a person: in a JSON log, log lines like every other
        PrintStream out = format == LogFormat.TEXT ? System.out
                : new PrintStream(new LoggedLines(LoggerFactory.getLogger(OnceBatch.class)), true,
                        StandardCharsets.UTF_8);
        if (!Files.isRegularFile(CONFIG)) {
            log.error("{} not found in {}: start nano-banana-camel from the folder that holds config/ and routes/",
                    CONFIG, Path.of("").toAbsolutePath());
            System.exit(NOT_STARTED);
        }
        if (command.costs()) {
            System.exit(CostsCommand.run(System.out, System.err));
        }
        main.setPropertyPlaceholderLocations("file:" + CONFIG);
        Properties initial = RuntimeSetup.defaults();
        main.addMainListener(new RuntimeSetup(out));
        OnceBatch batch = null;
        if (command.once()) {
            // a batch is the user's job files: the examples are for a first run that watches the inbox
            initial.setProperty("camel.main.route-filter-exclude-pattern", "examples");
            batch = new OnceBatch(progressBar ? new ProgressBar(out) : new ProgressLines(out),
                    startedAt(), Clock.systemUTC());
            main.addMainListener(batch);
        }
        main.setInitialProperties(initial);
        CountDownLatch summaryPrinted = new CountDownLatch(1);
        if (batch != null) {
            // on SIGTERM the JVM ends once its shutdown hooks are done, Camel Main's among them; this one lets the main
            // thread print the summary first
            Runtime.getRuntime().addShutdownHook(new Thread(() -> awaitQuietly(summaryPrinted), "nanobanana-summary"));
        }
        try {
            main.run(command.camelArguments().toArray(String[]::new));
        } catch (Exception e) {
            summaryPrinted.countDown();
            StartupRefused refused = StartupRefused.in(e);
            if (refused != null) {
                log.error(refused.getMessage());
            } else {
                log.error("nano-banana-camel could not start: {}", e.getMessage(), e);
            }
            System.exit(NOT_STARTED);
        }
        if (batch != null) {
            BatchSummary summary = batch.summary();
            batch.progress().close();
            SummaryText.lines(summary).forEach(out::println);
            batch.contactSheet().ifPresent(sheet -> out.println("Contact sheet: " + fromHere(sheet)));
            out.flush();
            boolean stoppedBySignal = shuttingDown();
            summaryPrinted.countDown();
            if (stoppedBySignal) {
                // the JVM ends with the signal's code (143 for SIGTERM) once its hooks are done: an exit of our own
                // now could end it first, with ours
                return;
            }
            System.exit(summary.exitCode());
        }
        if (!shuttingDown()) {
            System.exit(main.getExitCode());
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(SUMMARY_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the JVM is running its shutdown hooks: a signal (SIGTERM, Ctrl+C) stopped the runtime. */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { }, "nanobanana-shutdown-probe");
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /** When the JVM started: the batch's time includes the start-up, as a user waits for it. */
    private static Instant startedAt() {
        return Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
    }
}
