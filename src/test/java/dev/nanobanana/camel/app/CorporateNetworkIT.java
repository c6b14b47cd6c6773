package dev.nanobanana.camel.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.camel.testing.RecordingProxy;
import dev.nanobanana.camel.testing.RuntimeProcess;
import dev.nanobanana.camel.testing.TestCertificates;
import dev.nanobanana.camel.testing.TlsFront;
import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RunpodEmulator;

/**
 * The fat jar in a container or a CI job that passes the company's proxy the usual way, in HTTPS_PROXY / HTTP_PROXY
 * and NO_PROXY: every call goes through it, with the credentials of its URL, whose password shows nowhere.
 */
class CorporateNetworkIT {

    static final String PASSWORD = "Pr0xy-IT-Secret-77";
    static final String JOB =
            "{\"prompt\": \"Make the sneaker yellow\", \"images\": [\"https://images.test/shoe.png\"]}";

    @TempDir
    Path home;
    RunpodEmulator runpod;
    RecordingProxy proxy;
    RuntimeProcess runtime;

    @BeforeEach
    void start() throws Exception {
        runpod = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofMillis(100)));
        proxy = RecordingProxy.withCredentials("it-user", PASSWORD);
    }

    @AfterEach
    void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
        proxy.close();
        runpod.close();
    }

    /** The runtime's environment, with no proxy variable of the machine that runs the test. */
    Map<String, String> environment(String endpointUrl) {
        Map<String, String> environment = new HashMap<>();
        for (String name : new String[] { "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY",
                "no_proxy" }) {
            environment.put(name, "");
        }
        environment.put("RUNPOD_API_KEY", runpod.apiKey());
        environment.put("NANOBANANA_ENDPOINT_URL", endpointUrl);
        return environment;
    }

    String proxyUrl() {
        return "http://it-user:" + PASSWORD + "@127.0.0.1:" + proxy.port();
    }

    @Test
    void aBatchWithTheProxyInTheEnvironmentSendsEveryCallThroughItAndNeverShowsItsPassword() throws Exception {
        Map<String, String> environment = environment(runpod.endpointUrl());
        environment.put("HTTPS_PROXY", proxyUrl());
        environment.put("HTTP_PROXY", proxyUrl());
        runtime = new RuntimeProcess(home, environment);
        runtime.drop("shoe.json", JOB);
        runtime.drop("boot.json", JOB);

        RuntimeProcess.Finished run = runtime.run(Duration.ofMinutes(3), "--once");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(runtime.count("out/completed", ".png")).isEqualTo(2);
        String emulator = "127.0.0.1:" + runpod.port();
        assertThat(proxy.passed()).as("every call the emulator answered came through the proxy")
                .hasSameSizeAs(runpod.requests()).contains("POST " + emulator, "GET " + emulator);
        assertThat(runpod.requests(Operation.IMAGE)).hasSize(2);
        assertThat(run.output()).contains("Outbound calls go through the proxy of the environment: 127.0.0.1:"
                                          + proxy.port() + " (HTTPS_PROXY, as it-user) for https, 127.0.0.1:"
                                          + proxy.port() + " (HTTP_PROXY, as it-user) for http");
        assertThat(Files.readString(home.resolve("runtime.log"))).doesNotContain(PASSWORD);
    }

    @Test
    void noProxyNamingTheHostSendsTheBatchAroundTheProxy() throws Exception {
        Map<String, String> environment = environment(runpod.endpointUrl());
        environment.put("HTTP_PROXY", proxyUrl());
        environment.put("NO_PROXY", "localhost,127.0.0.1");
        runtime = new RuntimeProcess(home, environment);
        runtime.drop("shoe.json", JOB);

        RuntimeProcess.Finished run = runtime.run(Duration.ofMinutes(3), "--once");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(runtime.count("out/completed", ".png")).isEqualTo(1);
        assertThat(runpod.requests(Operation.RUNSYNC)).hasSize(1);
        assertThat(proxy.passed()).isEmpty();
        assertThat(proxy.demandedCredentials()).isZero();
    }

    @Test
    void runpodOverHttpsThroughTheProxysTunnelWithItsCredentialsAndTheCompanyCa(@TempDir Path certificatesDir)
            throws Exception {
        TestCertificates certificates = TestCertificates.issue(certificatesDir);
        try (TlsFront front = TlsFront.of(certificates, runpod.port())) {
            Map<String, String> environment = environment(front.url(URI.create(runpod.endpointUrl()).getPath()));
            environment.put("HTTPS_PROXY", proxyUrl());
            environment.put("NANOBANANA_HTTP_TRUST_STORE", certificates.trustStore().toString());
            environment.put("NANOBANANA_HTTP_TRUST_STORE_PASSWORD", certificates.password());
            runtime = new RuntimeProcess(home, environment);
            // the image inline: the emulator's image URLs are plain http, which the front does not speak
            runtime.drop("shoe.json", JOB.replace("}", ", \"enable_base64_output\": true}"));

            RuntimeProcess.Finished run = runtime.run(Duration.ofMinutes(3), "--once");

            assertThat(run.exitCode()).as(run.output()).isZero();
            assertThat(runtime.count("out/completed", ".png")).isEqualTo(1);
            assertThat(proxy.passed()).contains("CONNECT 127.0.0.1:" + front.port())
                    .allSatisfy(call -> assertThat(call).isEqualTo("CONNECT 127.0.0.1:" + front.port()));
            assertThat(proxy.demandedCredentials()).isZero();
            assertThat(Files.readString(home.resolve("runtime.log"))).doesNotContain(PASSWORD)
                    .doesNotContain(certificates.password());
        }
    }
}
