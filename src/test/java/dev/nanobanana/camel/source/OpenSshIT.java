package dev.nanobanana.camel.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RunpodEmulator;
import dev.nanobanana.camel.testing.OpenSshServer;
import dev.nanobanana.camel.testing.RecordingProxy;
import dev.nanobanana.camel.pipeline.PipelineTest;
import dev.nanobanana.camel.testing.RuntimeProcess;

/**
 * The fat jar against a partner's stock OpenSSH server (Debian's sshd, its ssh-ed25519 host key in known_hosts,
 * strict host key checking), logging in with a password or with a private key.
 */
class OpenSshIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path home;
    @TempDir
    Path serverFolder;
    RunpodEmulator emulator;
    OpenSshServer sshd;
    RuntimeProcess runtime;

    @BeforeEach
    void startTheServers() throws IOException {
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofMillis(100)));
        sshd = OpenSshServer.start(serverFolder);
        sshd.createFolder("inbox");
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        try {
            if (runtime != null) {
                runtime.close();
            }
        } finally {
            try {
                if (sshd != null) {
                    sshd.close();
                }
            } finally {
                if (emulator != null) {
                    emulator.close();
                }
            }
        }
    }

    @Test
    void jobFilesOnTheServerComeBackAsImagesRecordsAndErrorRecordsLoggingInWithAPassword() throws Exception {
        Map<String, String> login = Map.of("NANOBANANA_SFTP_PASSWORD", sshd.password(),
                "NANOBANANA_SFTP_KNOWN_HOSTS_FILE", sshd.knownHostsFile().toString());

        String sshdLog = runOnTheServer(login);

        assertThat(sshdLog).contains("Accepted password for " + sshd.username() + " from 127.0.0.1");
        assertThat(runtime.log()).doesNotContain(sshd.password());
    }

    @Test
    void jobFilesOnTheServerComeBackAsImagesRecordsAndErrorRecordsLoggingInWithAPrivateKey() throws Exception {
        // the host key as a first ssh leaves it in ~/.ssh/known_hosts on Debian: the host name hashed
        Map<String, String> login = Map.of("NANOBANANA_SFTP_PRIVATE_KEY_FILE", sshd.privateKeyFile().toString(),
                "NANOBANANA_SFTP_KNOWN_HOSTS_FILE", sshd.hashedKnownHostsFile().toString());

        String sshdLog = runOnTheServer(login);

        assertThat(sshdLog).contains("Accepted publickey for " + sshd.username() + " from 127.0.0.1")
                .contains("ED25519").doesNotContain("Accepted password");
    }

    @Test
    void throughTheCompanysProxyWithALoginFromTheEnvironment() throws Exception {
        try (RecordingProxy proxy = RecordingProxy.withCredentials("ssh-proxy-user", "Pr0xy-Ssh-Pass-77")) {
            Map<String, String> login = Map.of("NANOBANANA_SFTP_PASSWORD", sshd.password(),
                    "NANOBANANA_SFTP_KNOWN_HOSTS_FILE", sshd.knownHostsFile().toString(),
                    // RunPod's emulator is http: HTTPS_PROXY alone leaves it direct, and takes the SSH tunnels
                    "HTTPS_PROXY", "http://ssh-proxy-user:Pr0xy-Ssh-Pass-77@127.0.0.1:" + proxy.port());

            runOnTheServer(login);

            assertThat(proxy.passedTo("127.0.0.1:" + sshd.port())).as("tunnels to sshd").isGreaterThanOrEqualTo(2);
            assertThat(proxy.demandedCredentials()).isZero();
            assertThat(runtime.log()).contains("SFTP connections to 127.0.0.1:" + sshd.port() + " go through the proxy "
                                               + "127.0.0.1:" + proxy.port() + " (HTTPS_PROXY, as ssh-proxy-user)")
                    .doesNotContain("Pr0xy-Ssh-Pass-77");
        }
    }

    /**
     * Uploads a job file and one with a typo to the server's inbox, runs the fat jar on them with {@code login} and a
     * known_hosts file, and checks what the partner finds on the server; answers what sshd logged while it ran.
     */
    private String runOnTheServer(Map<String, String> login) throws Exception {
        sshd.upload("inbox", "shoe.json", PipelineTest.job(""));
        sshd.upload("inbox", "typo.json",
                "{\"promt\": \"Make it blue\", \"images\": [\"https://images.test/a.png\"]}");
        int uploaded = sshd.log().length();
        Map<String, String> environment = new HashMap<>(Map.of(
                "RUNPOD_API_KEY", emulator.apiKey(),
                "NANOBANANA_ENDPOINT_URL", emulator.endpointUrl(),
                "NANOBANANA_SFTP_ENABLED", "true",
                "NANOBANANA_SFTP_HOST", sshd.host(),
                "NANOBANANA_SFTP_PORT", Integer.toString(sshd.port()),
                "NANOBANANA_SFTP_USERNAME", sshd.username(),
                "NANOBANANA_SFTP_STRICT_HOST_KEY_CHECKING", "yes",
                "NANOBANANA_SFTP_SETTLE_TIME", "1s"));
        environment.putAll(login);
        runtime = new RuntimeProcess(home, environment);
        runtime.start();

        Path server = sshd.home();
        List<Path> expected = List.of(server.resolve("out/completed/shoe.png"),
                server.resolve("out/completed/shoe.json"), server.resolve("out/failed/typo.error.json"),
                server.resolve("inbox/.done/shoe.json"), server.resolve("inbox/.failed/typo.json"));
        // an SFTP source that cannot log in says so at each poll: no need to wait the whole minute for that
        await().atMost(WAIT).until(() -> expected.stream().allMatch(Files::exists)
                                         || runtime.log().contains("cannot be read") || !runtime.isAlive());
        assertThat(expected).as("on the server, after this runtime log:%n%s%nand this sshd log:%n%s", runtime.log(),
                sshd.log()).allMatch(Files::exists);

        assertThat(ImageIO.read(server.resolve("out/completed/shoe.png").toFile()).getWidth()).isEqualTo(1024);
        JsonNode record = json(server.resolve("out/completed/shoe.json"));
        assertThat(record.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(record.get("sourceFile").asText()).isEqualTo("sftp://127.0.0.1/inbox/shoe.json");
        assertThat(json(server.resolve("out/failed/typo.error.json")).get("reason").asText())
                .contains("unknown field \"promt\" (did you mean \"prompt\"?)");
        assertThat(server.resolve("inbox/shoe.json")).doesNotExist();
        assertThat(server.resolve("inbox/typo.json")).doesNotExist();
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
        assertThat(runtime.log()).doesNotContain("cannot be read").doesNotContain("\tat ");
        return sshd.log().substring(uploaded);
    }

    private static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }
}
