package dev.nanobanana.emulator;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The emulator as a process of its own, {@code java -jar nano-banana-camel-app.jar --emulator [options]}: for trying
 * a client offline and for load tests, where the client runs in another process.
 *
 * @param settings how the emulator behaves
 * @param faults faults to inject at start
 * @param help whether only the usage was asked for
 */
public record EmulatorCommand(EmulatorSettings settings, List<FaultSpec> faults, boolean help) {

    /** The option that selects this command in the application's main class. */
    public static final String OPTION = "--emulator";

    static final int DEFAULT_PORT = 8089;

    /** A process of its own listens where a client can find it again; nobody in it reads the requests back. */
    static final EmulatorSettings DEFAULTS = EmulatorSettings.defaults().withPort(DEFAULT_PORT).withRecordedRequests(0);

    static final String USAGE = """
            Usage: java -jar nano-banana-camel-app.jar --emulator [options]
            Runs the built-in RunPod emulator until it is stopped (Ctrl-C or SIGTERM).
              --host <address>       where it listens: 127.0.0.1, this machine only (default); 0.0.0.0, every
                                     interface (in a container, or for clients on other machines)
              --port <n>             TCP port, 0 for a free one (default %d)
              --api-key <key>        the key clients send as "Authorization: Bearer <key>" (default %s)
              --latency <duration>   how long each job runs (default %s)
              --queue-delay <d>      how long each job waits IN_QUEUE first (default %s)
              --runsync-wait <d>     how long /runsync waits before answering IN_PROGRESS (default %s)
              --image-bytes <size>   give every job one shared PNG of about this size, e.g. 200kB or 8MB
                                     (default: render the prompt at the size the job asks for)
              --faults <spec>        faults to inject, e.g. "runsync=429;retry-after=2, status=drop"
              --fetch-inputs         download every input image; a job with one that cannot be read FAILS
              --help                 print this and exit
            Durations: 500ms, 2s, 3m (bare digits are seconds). Sizes: 5000, 200kB, 8MB, 1MiB.
            Counts of requests and jobs, without a key: GET http://<host>:<port>/emulator/stats
            """.formatted(DEFAULTS.port(), DEFAULTS.apiKey(), DurationText.format(DEFAULTS.latency()),
            DurationText.format(DEFAULTS.queueDelay()), DurationText.format(DEFAULTS.runsyncWait()));

    private static final Set<String> VALUE_OPTIONS = Set.of(
            "--host", "--port", "--api-key", "--latency", "--queue-delay", "--runsync-wait", "--image-bytes",
            "--faults");
    /** Without a configuration of its own Logback logs every job at DEBUG: too much for a load test's console. */
    private static final String LOGGING = "dev/nanobanana/emulator/emulator-logback.xml";

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(b|kb|k|mb|m|kib|mib)?",
            Pattern.CASE_INSENSITIVE);

    public EmulatorCommand {
        faults = List.copyOf(faults);
    }

    /**
     * Reads the options that follow {@code --emulator}; each takes its value as the next argument or after "=".
     *
     * @throws IllegalArgumentException naming the option that is unknown or has an unusable value
     */
    public static EmulatorCommand parse(List<String> args) {
        EmulatorSettings settings = DEFAULTS;
        List<FaultSpec> faults = new ArrayList<>();
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            int equals = arg.indexOf('=');
            String option = equals < 0 ? arg : arg.substring(0, equals);
            if (option.equals("--help") || option.equals("-h")) {
                help = true;
                continue;
            }
            if (option.equals("--fetch-inputs")) {
                settings = settings.withFetchInputs(equals < 0 || flag(option, arg.substring(equals + 1)));
                continue;
            }
            if (!VALUE_OPTIONS.contains(option)) {
                throw new IllegalArgumentException("unknown option " + option);
            }
            String value;
            if (equals >= 0) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new IllegalArgumentException(option + " needs a value");
            }
            try {
                settings = switch (option) {
                    case "--host" -> settings.withHost(value.trim());
                    case "--port" -> settings.withPort(port(value));
                    case "--api-key" -> settings.withApiKey(value);
                    case "--latency" -> settings.withLatency(DurationText.parse(value));
                    case "--queue-delay" -> settings.withQueueDelay(DurationText.parse(value));
                    case "--runsync-wait" -> settings.withRunsyncWait(DurationText.parse(value));
                    case "--image-bytes" -> settings.withImageBytes(bytes(value));
                    default -> {
                        faults.addAll(FaultSpec.parse(value));
                        yield settings;
                    }
                };
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(option + " " + value + ": " + e.getMessage(), e);
            }
        }
        return new EmulatorCommand(settings, faults, help);
    }

    /**
     * Runs the command as {@code main} would: prints the usage, or starts the emulator, prints one line with its
     * endpoint URL and key, and serves until the JVM is stopped.
     *
     * @return the exit code when it returns at all: 0 after the usage, 2 for unusable options or a busy port
     */
    public static int run(List<String> args, PrintStream out, PrintStream err) throws InterruptedException {
        EmulatorCommand command;
        try {
            command = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("nano-banana-camel --emulator: " + e.getMessage() + " (see --emulator --help)");
            return 2;
        }
        if (command.help()) {
            out.print(USAGE);
            return 0;
        }
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGGING);
        }
        RunpodEmulator emulator;
        try {
            emulator = RunpodEmulator.start(command.settings());
        } catch (IOException e) {
            err.println("nano-banana-camel --emulator: cannot listen on port " + command.settings().port() + " of "
                    + command.settings().host() + ": " + e.getMessage() + "; choose another with --port, or --port 0 "
                    + "for a free one");
            return 2;
        }
        command.faults().forEach(fault -> emulator.inject(fault.operation(), fault.fault()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }, "runpod-emulator-shutdown"));
        out.println("RunPod emulator listening on " + emulator.endpointUrl() + " with API key " + emulator.apiKey());
        out.flush();
        stopped.await();
        return 0;
    }

    /** A number of bytes: bare, or with B, kB (1000), MB (1000²), KiB (1024) or MiB (1024²). */
    static int bytes(String text) {
        Matcher matcher = SIZE.matcher(text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("expected a size such as 5000, 200kB, 8MB or 1MiB");
        }
        String unit = matcher.group(2) == null ? "b" : matcher.group(2).toLowerCase(Locale.ROOT);
        long multiplier = switch (unit) {
            case "k", "kb" -> 1_000L;
            case "m", "mb" -> 1_000_000L;
            case "kib" -> 1_024L;
            case "mib" -> 1_048_576L;
            default -> 1L;
        };
        BigDecimal size = new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(multiplier));
        if (size.compareTo(BigDecimal.valueOf(EmulatorSettings.MAX_IMAGE_BYTES)) > 0) {
            throw new IllegalArgumentException("at most " + EmulatorSettings.MAX_IMAGE_BYTES + " bytes");
        }
        return size.intValue();
    }

    private static boolean flag(String option, String value) {
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new IllegalArgumentException(option + " takes no value, or true or false, not \"" + value + "\"");
    }

    private static int port(String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a port number, 0-65535", e);
        }
    }
}
