package dev.nanobanana.camel.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A real SFTP server for tests: Apache MINA SSHD on 127.0.0.1 and a random port, serving a local folder that the
 * test reads and writes directly ({@link #root()}), with one user who can log in with a password or with a key.
 *
 * <p>Everything it needs lives under the folder given to {@link #start(Path)}: the served root, the host key (kept
 * across {@link #stop()} and {@link #start()}, so clients keep trusting it), the user's key pair and a known_hosts
 * file. The server can be stopped and started again on the same port, for tests in which SFTP goes away while a
 * route runs.
 */
public final class SftpTestServer implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final String USERNAME = "banana";
    // '+', '/', '&' and '%' on purpose: a password put into an endpoint URI must survive them (RAW(...))
    private static final String PASSWORD = "pa+ss/w&rd%41";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final Path root;
    private final Path hostKeyFile;
    private final Path privateKeyFile;
    private final Path knownHostsFile;
    private final PublicKey userPublicKey;
    private SshServer server;
    private int port;

    private SftpTestServer(Path folder) throws IOException, GeneralSecurityException {
        this.root = Files.createDirectories(folder.resolve("root"));
        Path keys = Files.createDirectories(folder.resolve("keys"));
        this.hostKeyFile = keys.resolve("host-key");
        this.privateKeyFile = keys.resolve("id_ecdsa");
        this.knownHostsFile = keys.resolve("known_hosts");
        KeyPair user = generateUserKey();
        this.userPublicKey = user.getPublic();
        writePrivateKey(user, privateKeyFile);
        Files.writeString(keys.resolve("id_ecdsa.pub"), PublicKeyEntry.toString(userPublicKey) + " " + USERNAME + "\n");
    }

    /** Starts a server whose root, keys and known_hosts file live under {@code folder} (a test's temp folder). */
    public static SftpTestServer start(Path folder) {
        try {
            SftpTestServer sftp = new SftpTestServer(folder);
            sftp.startOn(0);
            return sftp;
        } catch (IOException e) {
            throw new UncheckedIOException("SFTP server did not start", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SFTP keys could not be made", e);
        }
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    public String username() {
        return USERNAME;
    }

    /** The user's password; it contains {@code + / & %}. */
    public String password() {
        return PASSWORD;
    }

    /** The folder the server serves as the user's home: {@code sftp://host:port/inbox} is {@code root()/inbox}. */
    public Path root() {
        return root;
    }

    /** The user's private key, unencrypted, in OpenSSH format (as {@code ssh-keygen} writes it). */
    public Path privateKeyFile() {
        return privateKeyFile;
    }

    /** A known_hosts file with this server's host key for {@code [127.0.0.1]:<port>}. */
    public Path knownHostsFile() {
        return knownHostsFile;
    }

    /**
     * An sftp endpoint URI for a folder under the root, logging in with the password and checking the host key
     * against {@link #knownHostsFile()} only (never {@code ~/.ssh}); add further options with {@code &}.
     */
    public String uri(String folder) {
        return "sftp://" + HOST + ":" + port + "/" + folder + "?username=" + USERNAME + "&password=RAW(" + PASSWORD
                + ")&strictHostKeyChecking=yes&knownHostsFile=" + knownHostsFile + "&useUserKnownHostsFile=false";
    }

    /**
     * An sftp endpoint URI for a folder under the root, logging in with {@link #privateKeyFile()} only and checking
     * the host key as {@link #uri(String)} does; add further options with {@code &}.
     */
    public String keyUri(String folder) {
        return "sftp://" + HOST + ":" + port + "/" + folder + "?username=" + USERNAME + "&privateKeyFile="
                + privateKeyFile + "&preferredAuthentications=publickey&strictHostKeyChecking=yes&knownHostsFile="
                + knownHostsFile + "&useUserKnownHostsFile=false";
    }

    /** Whether the server accepts connections now. */
    public boolean isRunning() {
        return server != null && server.isStarted();
    }

    /** Takes the server off the network and drops open sessions; the root, the keys and the port are kept. */
    public void stop() {
        if (server == null) {
            return;
        }
        try {
            // sessions first, while the server's executors still run: closed together with them, a session's
            // close listener finds its executor gone and SSHD logs a RejectedExecutionException at WARN
            for (var session : server.getActiveSessions()) {
                session.close(true).await(STOP_TIMEOUT);
            }
            server.stop(true);
        } catch (IOException e) {
            throw new UncheckedIOException("SFTP server did not stop", e);
        } finally {
            server = null;
        }
    }

    /** Starts the server again on the same port with the same host key. */
    public void start() {
        if (isRunning()) {
            return;
        }
        try {
            startOn(port);
        } catch (IOException e) {
            throw new UncheckedIOException("SFTP server did not start again on port " + port, e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void startOn(int onPort) throws IOException {
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost(HOST);
        sshd.setPort(onPort);
        sshd.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(hostKeyFile));
        sshd.setPasswordAuthenticator((username, password, session) ->
                USERNAME.equals(username) && PASSWORD.equals(password));
        sshd.setPublickeyAuthenticator((username, key, session) ->
                USERNAME.equals(username) && KeyUtils.compareKeys(userPublicKey, key));
        sshd.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        sshd.setFileSystemFactory(new VirtualFileSystemFactory(root));
        sshd.start();
        server = sshd;
        port = sshd.getPort();
        writeKnownHosts();
    }

    private void writeKnownHosts() throws IOException {
        KeyPair hostKey;
        try {
            hostKey = server.getKeyPairProvider().loadKeys(null).iterator().next();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the host key", e);
        }
        Files.writeString(knownHostsFile,
                "[" + HOST + "]:" + port + " " + PublicKeyEntry.toString(hostKey.getPublic()) + "\n",
                StandardCharsets.US_ASCII);
    }

    private static KeyPair generateUserKey() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static void writePrivateKey(KeyPair key, Path file) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, USERNAME, (OpenSSHKeyEncryptionContext) null,
                    out);
        }
    }
}
