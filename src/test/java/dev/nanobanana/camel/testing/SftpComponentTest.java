package dev.nanobanana.camel.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.LambdaRouteBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Camel's sftp consumer and producer (JSch 2.27) against a real SFTP server, with the options the product will use:
 * strict host key checking against a known_hosts file, password or key login, {@code move}/{@code moveFailed}, a read
 * lock, results written into folders that do not exist yet, and the server going away and coming back.
 *
 * <p>Read locks over SFTP: SFTP (v3, all JSch speaks) reports modification times in whole seconds, so the
 * {@code changed} read lock sees a file as unchanged when two listings {@code readLockCheckInterval} apart show the
 * same size, and takes a file whose writer pauses longer than that. {@code readLockMinAge} instead waits until the
 * modification time is that old, on the server's clock, truncated to the second: it covers a writer's pauses up to
 * about {@code readLockMinAge} minus one second. {@code readLock=rename} does not help against a POSIX server, which
 * renames a file that is still open for writing.
 */
class SftpComponentTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final String FAST_POLL = "&delay=100&initialDelay=0";

    @TempDir
    Path work;

    SftpTestServer sftp;
    CamelContext camel;
    final List<String> taken = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServerAndContext() {
        sftp = SftpTestServer.start(work);
        camel = new DefaultCamelContext();
    }

    @AfterEach
    void stopContextAndServer() throws Exception {
        camel.close();
        sftp.close();
    }

    @Test
    void passwordLoginTakesJobFilesAndMovesThemToDoneOrFailed() throws Exception {
        drop("inbox/good.json", "{\"prompt\":\"good\"}");
        drop("inbox/bad.json", "{\"prompt\":\"fail\"}");

        try (LogCapture log = LogCapture.of("org.apache.camel", "WARN")) {
            start(r -> r.from(sftp.uri("inbox") + "&move=.done&moveFailed=.failed" + FAST_POLL)
                    .process(this::record)
                    .filter(r.body().contains("fail")).throwException(new IllegalStateException("job refused")));

            await().atMost(WAIT).until(() -> Files.exists(sftp.root().resolve("inbox/.failed/bad.json"))
                    && Files.exists(sftp.root().resolve("inbox/.done/good.json")));
            assertThat(log.text()).contains("java.lang.IllegalStateException: job refused");
        }
        assertThat(taken).containsExactlyInAnyOrder("good.json={\"prompt\":\"good\"}", "bad.json={\"prompt\":\"fail\"}");
        assertThat(files("inbox")).isEmpty();
    }

    @Test
    void privateKeyLoginTakesJobFiles() throws Exception {
        drop("inbox/a.json", "{}");
        start(r -> r.from(sftp.keyUri("inbox") + "&move=.done" + FAST_POLL).process(this::record));

        await().atMost(WAIT).until(() -> taken.contains("a.json={}"));
        assertThat(Files.readString(sftp.privateKeyFile())).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
    }

    @Test
    void producerWritesAFileIntoNestedFoldersItCreatesAndReplacesIt() throws Exception {
        File image = Files.write(work.resolve("local.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1}).toFile();
        // tempFileName: readers of the results folder never see a half-written result under its final name
        start(r -> r.from("direct:result").to(sftp.uri("results/2025/11") + "&tempFileName=${file:name}.part"));

        camel.createProducerTemplate().sendBodyAndHeader("direct:result", image, Exchange.FILE_NAME, "job-1.png");
        camel.createProducerTemplate().sendBodyAndHeader("direct:result", "second", Exchange.FILE_NAME, "job-1.png");

        assertThat(files("results/2025/11")).containsExactly("job-1.png");
        assertThat(sftp.root().resolve("results/2025/11/job-1.png")).hasContent("second");
        assertThat(image).exists();
    }

    @Test
    void wrongPasswordIsRefusedAndTheLogNamesTheServerButNotThePassword() throws Exception {
        String wrongPassword = "wr0ng+pass/word";
        // maximumReconnectAttempts=0: one attempt; by default Camel tries 3 times, 1 s apart, a login that cannot work
        String uri = sftp.uri("inbox").replace("RAW(" + sftp.password() + ")", "RAW(" + wrongPassword + ")")
                + "&maximumReconnectAttempts=0";
        start(r -> r.from("direct:write").to(uri));

        try (LogCapture log = LogCapture.of("org.apache.camel", "DEBUG")) {
            start(r -> r.from(uri + "&jschLoggingLevel=DEBUG" + FAST_POLL).process(this::record));
            await().atMost(WAIT).until(() -> log.text().contains("Will skip this poll"));
            Exchange write = camel.createProducerTemplate().request("direct:write", e -> e.getMessage().setBody("x"));

            // at WARN the consumer says only that it cannot log in; why (JSch's "Auth fail") it says at DEBUG
            String server = "sftp://" + sftp.username() + "@127.0.0.1:" + sftp.port();
            assertThat(log.lines()).filteredOn(line -> line.startsWith("WARN")).containsExactly(
                    "WARN SftpConsumer Error auto creating directory: inbox due"
                            + " Cannot connect to " + server + ". This exception is ignored."
                            + " | org.apache.camel.component.file.GenericFileOperationFailedException: Cannot connect to "
                            + server + " | com.jcraft.jsch.JSchException: " + authFailOf(log),
                    "WARN RemoteFileConsumer Cannot connect/login to: " + server
                            + ". Will skip this poll.",
                    "WARN RemoteFileProducer Writing file failed with: Cannot"
                            + " connect to " + server);
            assertThat(log.lines()).anySatisfy(line -> assertThat(line).startsWith("DEBUG").contains(
                    "Cannot connect/login to: " + server, "com.jcraft.jsch.JSchException: Auth fail for methods"));
            assertThat(log.lines()).anySatisfy(line -> assertThat(line).startsWith("ERROR").contains(
                    "Failed delivery", "to[sftp://127.0.0.1:" + sftp.port() + "/inbox?username=xxxxxx&pa",
                    "com.jcraft.jsch.JSchException: Auth fail for methods"));
            assertThat(write.getException())
                    .hasMessage("Cannot connect to " + server)
                    .rootCause().hasMessageStartingWith("Auth fail for methods");
            assertThat(log.text()).doesNotContain(wrongPassword).doesNotContain(sftp.password());
        }
        assertThat(taken).isEmpty();
    }

    @Test
    void serverWithAnotherHostKeyOrNoneKnownIsRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        // the same key type as the server's (a line for another type counts as no line: "reject HostKey")
        generator.initialize(new ECGenParameterSpec("secp521r1"));
        String otherKey = PublicKeyEntry.toString(generator.generateKeyPair().getPublic());
        Path changed = Files.writeString(work.resolve("known_hosts_changed"),
                "[127.0.0.1]:" + sftp.port() + " " + otherKey + "\n");
        Path unknown = Files.writeString(work.resolve("known_hosts_empty"), "");
        String uri = sftp.uri("inbox") + "&maximumReconnectAttempts=0";
        start(r -> r.from("direct:changed").to(uri.replace(sftp.knownHostsFile().toString(), changed.toString())));
        start(r -> r.from("direct:unknown").to(uri.replace(sftp.knownHostsFile().toString(), unknown.toString())));

        Exchange toChanged;
        Exchange toUnknown;
        try (LogCapture log = LogCapture.of("org.apache.camel", "WARN")) {
            toChanged = camel.createProducerTemplate().request("direct:changed", e -> e.getMessage().setBody("x"));
            toUnknown = camel.createProducerTemplate().request("direct:unknown", e -> e.getMessage().setBody("x"));
            // what an operator sees: the producer's WARN without the cause, then the error handler's ERROR with it
            assertThat(log.text()).contains("JSchChangedHostKeyException: HostKey has been changed",
                    "JSchUnknownHostKeyException: reject HostKey");
        }

        assertThat(toChanged.getException()).rootCause()
                .isInstanceOf(com.jcraft.jsch.JSchChangedHostKeyException.class)
                .hasMessageContaining("HostKey has been changed: [127.0.0.1]:" + sftp.port());
        assertThat(toUnknown.getException()).rootCause()
                .isInstanceOf(com.jcraft.jsch.JSchUnknownHostKeyException.class)
                .hasMessageStartingWith("reject HostKey: [127.0.0.1]:" + sftp.port());
        assertThat(files("inbox")).isEmpty();
    }

    @Test
    void consumerPicksUpFilesAgainAfterTheServerWasGoneForAWhile() throws Exception {
        // one connection attempt per poll: while the server is away each poll fails fast and the next poll retries
        start(r -> r.from(sftp.uri("inbox") + "&move=.done&maximumReconnectAttempts=0&connectTimeout=2000"
                        + "&delay=200&initialDelay=0")
                .process(this::record));
        drop("inbox/before.json", "1");
        await().atMost(WAIT).until(() -> taken.contains("before.json=1"));

        try (LogCapture log = LogCapture.of("org.apache.camel", "WARN")) {
            sftp.stop();
            await().atMost(WAIT).until(() -> log.text().contains("Will skip this poll"));
            drop("inbox/after.json", "2");
            Thread.sleep(500);
            assertThat(taken).doesNotContain("after.json=2");
            sftp.start();

            await().atMost(WAIT).until(() -> taken.contains("after.json=2"));
            assertThat(log.lines()).containsExactly("WARN RemoteFileConsumer"
                    + " Cannot connect/login to: sftp://" + sftp.username() + "@127.0.0.1:" + sftp.port()
                    + ". Will skip this poll.");
        }
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(files("inbox/.done")).containsExactlyInAnyOrder("before.json", "after.json"));
    }

    @Test
    void connectFailuresReachTheRouteErrorHandlerWithBridgeErrorHandler() throws Exception {
        List<String> failures = new CopyOnWriteArrayList<>();
        sftp.stop();

        try (LogCapture log = LogCapture.of("org.apache.camel", "WARN")) {
            start(r -> {
                r.onException(Exception.class).handled(true).process(e -> failures.add(
                        e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage()));
                r.from(sftp.uri("inbox") + "&throwExceptionOnConnectFailed=true&bridgeErrorHandler=true"
                                + "&maximumReconnectAttempts=0&move=.done" + FAST_POLL)
                        .process(this::record);
            });
            await().atMost(WAIT).until(() -> failures.size() >= 2);
            sftp.start();
            drop("inbox/late.json", "3");
            await().atMost(WAIT).until(() -> taken.contains("late.json=3"));

            // starting the route tried once to create the folder; each failed poll still logs, too
            assertThat(log.lines().get(0)).startsWith(
                    "WARN SftpConsumer Error auto creating directory: inbox");
            assertThat(log.text()).contains("Trying to recover by force disconnecting from remote server");
        }
        assertThat(failures).allSatisfy(message -> assertThat(message)
                .isEqualTo("Cannot connect to sftp://" + sftp.username() + "@127.0.0.1:" + sftp.port()));
    }

    @Test
    void readLocksAgainstAWriterThatPausesForOneSecond() throws Exception {
        String lock = "&readLockCheckInterval=200&readLockTimeout=8000&move=.done" + FAST_POLL;
        start(r -> r.from(sftp.uri("changed") + "&readLock=changed" + lock).process(this::record));
        start(r -> r.from(sftp.uri("minage") + "&readLock=changed&readLockMinAge=2500" + lock).process(this::record));
        start(r -> r.from(sftp.uri("rename") + "&readLock=rename" + lock).process(this::record));

        CompletableFuture.allOf(
                writeSlowly("changed/job.json"), writeSlowly("minage/job.json"), writeSlowly("rename/job.json")).join();

        await().atMost(WAIT).until(() -> taken.size() == 3);
        assertThat(taken).containsExactlyInAnyOrder(
                "job.json=first half;", // changed: two equal listings 200 ms apart during the pause
                "job.json=first half;", // rename: the server renames a file still open for writing
                "job.json=first half;second half");
        // moved once the exchange is done, which is after it was recorded
        await().atMost(WAIT).until(() -> Files.exists(sftp.root().resolve("minage/.done/job.json")));
        assertThat(sftp.root().resolve("minage/.done/job.json")).hasContent("first half;second half");
    }

    /** JSch's "Auth fail for methods '...'" as logged; the list of methods the server names varies between runs. */
    private static String authFailOf(LogCapture log) {
        String text = log.text();
        int start = text.indexOf("Auth fail for methods '");
        return text.substring(start, text.indexOf('\'', start + "Auth fail for methods '".length()) + 1);
    }

    /** Writes half a file on the server's disk, waits a second with the file open, and writes the rest. */
    private CompletableFuture<Void> writeSlowly(String path) {
        return CompletableFuture.runAsync(() -> {
            try (OutputStream out = Files.newOutputStream(Files.createDirectories(
                    sftp.root().resolve(path).getParent()).resolve(Path.of(path).getFileName()))) {
                out.write("first half;".getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(1000);
                out.write("second half".getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void record(Exchange exchange) {
        taken.add(exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class) + "="
                + exchange.getMessage().getBody(String.class));
    }

    private void drop(String path, String content) throws IOException {
        Path file = sftp.root().resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    /** The names of the regular files in a folder under the server's root, or none if it does not exist. */
    private List<String> files(String folder) throws IOException {
        Path dir = sftp.root().resolve(folder);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var entries = Files.list(dir)) {
            return entries.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private void start(LambdaRouteBuilder route) throws Exception {
        RouteBuilder.addRoutes(camel, route);
        camel.start();
    }
}
