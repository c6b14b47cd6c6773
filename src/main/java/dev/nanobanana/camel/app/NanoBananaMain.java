package dev.nanobanana.camel.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nanobanana.camel.emulator.EmulatorCommand;

/**
 * The standalone runtime: Camel Main started from a folder that holds {@code config/application.properties} and the
 * YAML routes in {@code routes/}; or, with {@code --emulator}, the built-in RunPod emulator alone; or, with
 * {@code --costs}, what the job ledger says was spent.
 */
public final class NanoBananaMain {

    static final Path CONFIG = Path.of("config", "application.properties");
    static final Path LOGGING = Path.of("config", "logback.xml");

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

    public static void main(String[] args) throws Exception {
        poolAnswersOnSmallMachines();
        List<String> arguments = List.of(args);
        if (arguments.contains(EmulatorCommand.OPTION)) {
            // the emulator alone, for a client in another process: no Camel, no config/ folder needed
            System.exit(EmulatorCommand.run(arguments.stream().filter(arg -> !arg.equals(EmulatorCommand.OPTION)).toList(),
                    System.out, System.err));
        }
        if (System.getProperty("logback.configurationFile") == null && Files.isRegularFile(LOGGING)) {
            System.setProperty("logback.configurationFile", LOGGING.toString());
        }
        Logger log = LoggerFactory.getLogger(NanoBananaMain.class);
        if (!Files.isRegularFile(CONFIG)) {
            log.error("{} not found in {}: start nano-banana-camel from the folder that holds config/ and routes/",
                    CONFIG, Path.of("").toAbsolutePath());
            System.exit(2);
        }
        if (arguments.contains(CostsCommand.OPTION)) {
            System.exit(CostsCommand.run(System.out, System.err));
        }
        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:" + CONFIG);
        main.setInitialProperties(RuntimeSetup.defaults());
        main.addMainListener(new RuntimeSetup());
        try {
            main.run(args);
        } catch (Exception e) {
            StartupRefused refused = StartupRefused.in(e);
            if (refused != null) {
                log.error(refused.getMessage());
            } else {
                log.error("nano-banana-camel could not start: {}", e.getMessage(), e);
            }
            System.exit(2);
        }
        System.exit(main.getExitCode());
    }
}
