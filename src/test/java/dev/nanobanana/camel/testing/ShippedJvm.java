package dev.nanobanana.camel.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM the runtime ships with, its options read from {@code bin/nano-banana-camel} (the container's compiler and
 * collector are the same): tests that start the runtime run it as README and the container do, and so pay the CPU of its start as users
 * do, not that of the JVM's own defaults (C2 too), which the tests' runtimes, started by the dozen, used to.
 */
public final class ShippedJvm {

    private static final Path LAUNCHER = Path.of("bin", "nano-banana-camel");
    private static final Pattern DEFAULTS = Pattern.compile("\\$\\{JAVA_OPTS-([^}]*)}");

    private ShippedJvm() {
    }

    /** {@code java} of the JDK that runs the tests, then the launcher's options; a caller's later options win. */
    public static List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options());
        return command;
    }

    /** The options {@code bin/nano-banana-camel} starts the JVM with when {@code JAVA_OPTS} is not set. */
    public static List<String> options() {
        try {
            Matcher defaults = DEFAULTS.matcher(Files.readString(LAUNCHER));
            if (!defaults.find()) {
                throw new IllegalStateException(LAUNCHER + " no longer has ${JAVA_OPTS-...}: tell ShippedJvm where "
                        + "the runtime's JVM options are now");
            }
            return List.of(defaults.group(1).trim().split("\\s+"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
