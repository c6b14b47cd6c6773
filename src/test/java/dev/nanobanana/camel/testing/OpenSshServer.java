package dev.nanobanana.camel.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * Debian's OpenSSH server as a partner runs it: {@code /usr/sbin/sshd} (package {@code openssh-server}, which
 * {@code .ci/run} installs) as a child process on 127.0.0.1 and a free port, with an sshd_config of its own, its
 * default {@code ssh-ed25519} host key, and a user of its own who logs in with a password or an ed25519 key to a home
 * folder the test reads directly ({@link #home()}).
 *
 * <p>sshd logs another user in only when it runs as root, and the user is a real account ({@code useradd}): a test
 * that needs it is skipped, saying why, when not run as root or without sshd. {@link #close()} stops sshd and its
 * sessions and removes the user and its home; everything else lives under the folder given to {@link #start(Path)}.
 */
public final class OpenSshServer implements AutoCloseable {

    static final Path SSHD = Path.of("/usr/sbin/sshd");
    static final Path SSH_KEYGEN = Path.of("/usr/bin/ssh-keygen");
    static final Path SFTP = Path.of("/usr/bin/sftp");
    static final Path SSH_KEYSCAN = Path.of("/usr/bin/ssh-keyscan");
    static final Path USERADD = Path.of("/usr/sbin/useradd");
    static final Path USERDEL = Path.of("/usr/sbin/userdel");
    static final Path CHPASSWD = Path.of("/usr/sbin/chpasswd");
    private static final String HOST = "127.0.0.1";
    // '+', '/', '&' and '%' on purpose: a password put into an endpoint URI must survive them
    private static final String PASSWORD = "pa+ss/w&rd%41";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int PORT_ATTEMPTS = 3;
    /** useradd and userdel refuse, rather than wait, while another process holds /etc/passwd's lock. */
    private static final int LOCK_ATTEMPTS = 20;

    private final Path folder;
    private final String username;
    private Path home;
    private boolean userAdded;
    private Process sshd;
    private int port;

    private OpenSshServer(Path folder) {
        this.folder = folder;
        this.username = "nbsftp" + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);
    }

    /**
     * Starts sshd with its config, keys, known_hosts file and log under {@code folder} (a test's temp folder), or skips
     * the test, saying why, where sshd cannot run.
     */
    public static OpenSshServer start(Path folder) {
        Assumptions.assumeTrue(Stream.of(SSHD, SSH_KEYGEN, SSH_KEYSCAN, SFTP, USERADD, USERDEL, CHPASSWD)
                        .allMatch(Files::isExecutable),
                "OpenSSH's server is not installed (" + SSHD + ", " + SFTP + "): apt-get install -y openssh-server, "
                + "as .ci/run does, to run the tests against it");
        Assumptions.assumeTrue(runsAsRoot(folder), "not run as root: sshd logs another user in only when it runs as "
                + "root, and the test adds a user of its own (useradd); run the tests as root, as .ci/run does, to run "
                + "the tests against OpenSSH");
        OpenSshServer server = new OpenSshServer(folder);
        try {
            server.startSshd();
            return server;
        } catch (IOException | RuntimeException e) {
            RuntimeException failure = e instanceof IOException io ? new UncheckedIOException("sshd did not start", io)
                    : (RuntimeException) e;
            try {
                server.close();
            } catch (RuntimeException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    public String username() {
        return username;
    }

    public String password() {
        return PASSWORD;
    }

    /** The user's home: the login folder, where {@code sftp://host:port/inbox} is {@code home()/inbox}. */
    public Path home() {
        return home;
    }

    /** The user's ed25519 private key, unencrypted, as {@code ssh-keygen} writes it. */
    public Path privateKeyFile() {
        return folder.resolve("id_ed25519");
    }

    /** A known_hosts file with this server's ed25519 host key for {@code [127.0.0.1]:<port>}, as ssh-keyscan prints. */
    public Path knownHostsFile() {
        return folder.resolve("known_hosts");
    }

    /**
     * The same host key with the host name hashed ({@code |1|...}), as a first {@code ssh} adds it to
     * {@code ~/.ssh/known_hosts} under Debian's {@code HashKnownHosts yes}.
     */
    public Path hashedKnownHostsFile() {
        return folder.resolve("known_hosts_hashed");
    }

    /** What sshd logged: connections, logins ({@code Accepted password for ...}) and refusals. */
    public String log() {
        try {
            return Files.readString(folder.resolve("sshd.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * Uploads a job file to {@code folder} on the server with OpenSSH's own sftp client, as a partner would: under a
     * hidden name first, then renamed.
     */
    public void upload(String folderOnServer, String name, String content) throws IOException, InterruptedException {
        Path local = Files.writeString(Files.createTempFile(folder, "upload", ".tmp"), content, StandardCharsets.UTF_8);
        String hidden = folderOnServer + "/." + name + ".part";
        run(List.of(SFTP.toString(), "-q", "-F", "/dev/null", "-b", "-", "-P", Integer.toString(port),
                "-i", privateKeyFile().toString(), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + knownHostsFile(),
                username + "@" + HOST),
                "put " + local + " " + hidden + "\nrename " + hidden + " " + folderOnServer + "/" + name + "\n");
        Files.delete(local);
    }

    /**
     * Creates a folder in the user's home, owned by the user, as the partner who runs the server would; answers it.
     */
    public Path createFolder(String relative) throws IOException {
        UserPrincipal user = home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(username);
        Path current = home;
        for (Path part : Path.of(relative)) {
            current = current.resolve(part.toString());
            if (!Files.isDirectory(current)) {
                Files.createDirectory(current);
                Files.setOwner(current, user);
            }
        }
        return current;
    }

    /** Stops sshd and the sessions it serves, then removes the user and its home. */
    @Override
    public void close() {
        List<Exception> failures = new ArrayList<>();
        if (sshd != null) {
            // the sessions first: each runs in a process of its own that outlives sshd's listener
            List<ProcessHandle> sessions = sshd.descendants().toList();
            sessions.forEach(ProcessHandle::destroy);
            sshd.destroy();
            for (ProcessHandle session : sessions) {
                awaitEnd(session);
            }
            awaitEnd(sshd.toHandle());
        }
        if (userAdded) {
            try {
                runOnAccounts(List.of(USERDEL.toString(), username), "");
            } catch (IOException | InterruptedException | RuntimeException e) {
                failures.add(e);
            }
        }
        if (home != null) {
            try {
                deleteTree(home);
            } catch (IOException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("the test user " + username + " or its home "
                    + home + " is left behind");
            failures.forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private void startSshd() throws IOException {
        try {
            keygen("ssh_host_ed25519_key", "host");
            keygen("id_ed25519", username);
            addUser();
            Files.createDirectories(Path.of("/run/sshd"));  // sshd refuses to start without it
            // tests run in several JVMs at once, each free to pick the same free port before either listens: the one
            // that loses tries another
            for (int attempt = 1; !launchSshd(); attempt++) {
                if (attempt == PORT_ATTEMPTS) {
                    throw new IllegalStateException("sshd found no free port in " + PORT_ATTEMPTS + " tries; its log:\n"
                            + log());
                }
            }
            Files.writeString(knownHostsFile(), keyscan());
            Files.writeString(hashedKnownHostsFile(), keyscan("-H"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting sshd", e);
        }
    }

    /** Starts sshd on a free port: true once it listens, false when another process took the port first. */
    private boolean launchSshd() throws IOException, InterruptedException {
        port = freePort();
        Path config = Files.writeString(folder.resolve("sshd_config"), String.join("\n",
                "Port " + port,
                "ListenAddress " + HOST,
                "HostKey " + folder.resolve("ssh_host_ed25519_key"),
                "PidFile " + folder.resolve("sshd.pid"),
                "UsePAM no",
                "PasswordAuthentication yes",
                "PubkeyAuthentication yes",
                "KbdInteractiveAuthentication no",
                "AuthorizedKeysFile .ssh/authorized_keys",
                "Subsystem sftp internal-sftp",
                "AllowUsers " + username,
                ""));
        sshd = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(folder.resolve("sshd.log").toFile()).start();
        try {
            awaitListening();
            return true;
        } catch (IllegalStateException e) {
            if (sshd.isAlive() || !log().contains("Address already in use")) {
                throw e;
            }
            return false;
        }
    }

    private void addUser() throws IOException, InterruptedException {
        home = Files.createTempDirectory("nanobanana-sftp-home-");
        runOnAccounts(List.of(USERADD.toString(), "-M", "-d", home.toString(), "-s", "/usr/sbin/nologin", username),
                "");
        userAdded = true;
        runOnAccounts(List.of(CHPASSWD.toString()), username + ":" + PASSWORD + "\n");
        Path ssh = Files.createDirectories(home.resolve(".ssh"));
        Files.copy(folder.resolve("id_ed25519.pub"), ssh.resolve("authorized_keys"));
        // sshd's StrictModes: the home, .ssh and authorized_keys are the user's and writable by the user only
        UserPrincipal user = home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(username);
        for (Path path : List.of(home, ssh, ssh.resolve("authorized_keys"))) {
            Files.setOwner(path, user);
        }
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(ssh.resolve("authorized_keys"), PosixFilePermissions.fromString("rw-------"));
    }

    private void keygen(String file, String comment) throws IOException, InterruptedException {
        run(List.of(SSH_KEYGEN.toString(), "-q", "-t", "ed25519", "-N", "", "-C", comment,
                "-f", folder.resolve(file).toString()), "");
    }

    private String keyscan(String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(SSH_KEYSCAN.toString(), "-p", Integer.toString(port),
                "-t", "ed25519"));
        command.addAll(List.of(options));
        command.add(HOST);
        String line = run(command, "");
        if (!line.contains(" ssh-ed25519 ")) {
            throw new IllegalStateException("ssh-keyscan found no ed25519 host key: " + line);
        }
        return line;
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String listening = "Server listening on " + HOST + " port " + port;
        while (!log().contains(listening)) {
            if (!sshd.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("sshd did not listen on " + HOST + ":" + port + " within "
                        + START_TIMEOUT.toSeconds() + " s; its log:\n" + log());
            }
            Thread.sleep(50);
        }
    }

    /**
     * Runs useradd, chpasswd or userdel, again while another process (a test in another JVM) holds the lock on
     * /etc/passwd: they refuse at once rather than wait for it.
     */
    private String runOnAccounts(List<String> command, String input) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return run(command, input);
            } catch (IllegalStateException e) {
                if (attempt == LOCK_ATTEMPTS || !e.getMessage().contains("cannot lock")) {
                    throw e;
                }
                Thread.sleep(250);
            }
        }
    }

    /** Runs a command with {@code input} on its stdin; answers its stdout. */
    private String run(List<String> command, String input) throws IOException, InterruptedException {
        Path output = Files.createTempFile(folder, "command", ".out");
        Path errors = Files.createTempFile(folder, "command", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(output.toFile()).redirectError(errors.toFile())
                .start();
        try (var stdin = process.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not end within "
                    + COMMAND_TIMEOUT.toSeconds() + " s: " + Files.readString(errors));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with " + process.exitValue() + ": "
                    + Files.readString(errors) + Files.readString(output));
        }
        return Files.readString(output);
    }

    private static void awaitEnd(ProcessHandle process) {
        try {
            process.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    private static boolean runsAsRoot(Path folder) {
        try {
            // the test created the folder: its owner is the user the tests run as
            return Integer.valueOf(0).equals(Files.getAttribute(folder, "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
