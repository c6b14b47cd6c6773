package dev.nanobanana.camel.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * Debian's PostgreSQL server as users run it (package {@code postgresql}, which {@code .ci/run} installs), started by
 * the test: a cluster of its own ({@code initdb}) in a temporary folder, on 127.0.0.1 and a free port, with a user
 * who logs in with a password (scram-sha-256), and a new database for each test. It needs no cluster of the package's
 * own running. PostgreSQL refuses to run as root: as root, the server runs as the {@code postgres} account, which owns
 * the folder. A test that needs it is skipped, saying why, where it is not installed or cannot start.
 */
public final class DebianPostgres implements AutoCloseable {

    public static final String USER = "nanobanana";
    private static final Path VERSIONS = Path.of("/usr/lib/postgresql");
    private static final String ACCOUNT = "postgres";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);
    private static final int PORT_ATTEMPTS = 3;

    private final Path bin;
    private final Path folder;
    private final String password;
    private final AtomicInteger databases = new AtomicInteger();
    private final Thread stopOnExit = new Thread(this::stopServer, "debian-postgres-stop");
    private int port;
    private boolean running;

    private DebianPostgres(Path bin, Path folder) {
        this.bin = bin;
        this.folder = folder;
        byte[] secret = new byte[12];
        new SecureRandom().nextBytes(secret);
        this.password = HexFormat.of().formatHex(secret);
    }

    /** Starts a server of its own, or skips the test, saying why, where it cannot. */
    public static DebianPostgres start() {
        Optional<Path> bin = installedServer();
        String install = "apt-get install -y postgresql, as .ci/run does, to run the tests against it";
        skipUnless(bin.isPresent(), "Debian's PostgreSQL server is not installed (no " + VERSIONS
                + "/<version>/bin/initdb): " + install);
        boolean root = "root".equals(System.getProperty("user.name"));
        DebianPostgres server;
        try {
            server = new DebianPostgres(bin.get(), Files.createTempDirectory("nanobanana-postgres-"));
            if (root) {
                Optional<UserPrincipal> account = account();
                skipUnless(account.isPresent(), "PostgreSQL refuses to run as root, and there is no account \""
                        + ACCOUNT + "\" to run it as: " + install);
                Files.setOwner(server.folder, account.get());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a folder for PostgreSQL", e);
        }
        try {
            server.startServer(root);
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            skipUnless(false, "Debian's PostgreSQL server (" + bin.get() + ") did not start: " + e.getMessage());
            throw new IllegalStateException(e);
        }
    }

    /** The JDBC URL of a database no test has used. */
    public String newDatabase() {
        String name = "ledger_" + databases.incrementAndGet();
        try (Connection connection = DriverManager.getConnection(url("postgres"), USER, password);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return url(name);
    }

    public String password() {
        return password;
    }

    /** What the server logged. */
    public String log() {
        try {
            return Files.readString(folder.resolve("server.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Stops the server (pg_ctl, fast: open sessions are ended) and removes its folder. */
    @Override
    public void close() {
        stopServer();
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the JVM is exiting, or the server never started
        }
        try (Stream<Path> tree = Files.walk(folder)) {
            for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.err.println("DebianPostgres: could not remove " + folder + ": " + e);
        }
    }

    private void startServer(boolean root) throws IOException {
        Path passwordFile = Files.writeString(folder.resolve("password"), password, StandardCharsets.UTF_8);
        if (root) {
            Files.setOwner(passwordFile, account().orElseThrow());
        }
        run(root, List.of(bin.resolve("initdb").toString(), "-D", folder.resolve("data").toString(), "-U", USER,
                "--pwfile=" + passwordFile, "--auth=scram-sha-256", "--no-locale", "--encoding=UTF8", "--no-sync"));
        Files.delete(passwordFile);
        running = true;
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        // tests run in several JVMs at once, each free to pick the same free port before either listens: the one
        // that loses tries another
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            try {
                // the socket folder is the server's own: Debian's /var/run/postgresql may be missing or another
                // cluster's
                run(root, List.of(bin.resolve("pg_ctl").toString(), "-D", folder.resolve("data").toString(),
                        "-l", folder.resolve("server.log").toString(), "-w", "-t", "60",
                        "-o", "-p " + port + " -k " + folder + " -c listen_addresses=127.0.0.1", "start"));
                return;
            } catch (IOException e) {
                if (attempt == PORT_ATTEMPTS || !e.getMessage().contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    private void stopServer() {
        if (!running) {
            return;
        }
        running = false;
        try {
            run("root".equals(System.getProperty("user.name")), List.of(bin.resolve("pg_ctl").toString(), "-D",
                    folder.resolve("data").toString(), "-m", "fast", "-w", "-t", "60", "stop"));
        } catch (IOException | RuntimeException e) {
            System.err.println("DebianPostgres: could not stop the server in " + folder + ": " + e.getMessage());
        }
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Runs a PostgreSQL command, as the postgres account when this is root; fails with what it wrote. */
    private void run(boolean root, List<String> command) throws IOException {
        List<String> full = new ArrayList<>();
        if (root) {
            full.addAll(List.of("runuser", "-u", ACCOUNT, "--"));
        }
        full.addAll(command);
        Path output = folder.resolve("command.log");
        Process process = new ProcessBuilder(full).directory(folder.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        try {
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not end within " + COMMAND_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(Path.of(command.get(0)).getFileName() + " exited with " + process.exitValue() + ": "
                    + Files.readString(output).strip() + serverLogTail());
        }
    }

    private String serverLogTail() {
        if (!Files.exists(folder.resolve("server.log"))) {
            return "";
        }
        String log = log().strip();
        return "; its log ends: " + log.substring(Math.max(0, log.length() - 1000));
    }

    /** The newest server version installed, as Debian lays them out: /usr/lib/postgresql/15/bin. */
    private static Optional<Path> installedServer() {
        if (!Files.isDirectory(VERSIONS)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(VERSIONS)) {
            return versions.filter(version -> version.getFileName().toString().matches("\\d+"))
                    .max(Comparator.comparingInt(version -> Integer.parseInt(version.getFileName().toString())))
                    .map(version -> version.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<UserPrincipal> account() {
        try {
            return Optional.of(Path.of("/").getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(ACCOUNT));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Skips the test, and says why where a build log shows it, not only in the test report. */
    private static void skipUnless(boolean condition, String why) {
        if (!condition) {
            System.err.println("SKIPPED: " + why);
        }
        Assumptions.assumeTrue(condition, why);
    }
}
