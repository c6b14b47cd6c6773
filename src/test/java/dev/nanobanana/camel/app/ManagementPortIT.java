package dev.nanobanana.camel.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.camel.testing.RuntimeProcess.Finished;
import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RunpodEmulator;
import dev.nanobanana.camel.testing.RuntimeProcess;

/**
 * The management server's port (health, metrics, the status page) when another process holds it: the runtime refuses
 * to start rather than run with no health, while a load balancer's probe of that port reaches the other process; and
 * the commands that need no server open none.
 */
class ManagementPortIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final String KEY = "rpa_PORT_TEST_KEY";
    static final String JOB = "prompt: Make the shoe yellow\nimages: [https://images.test/shoe.png]\n";

    @TempDir
    Path home;
    RuntimeProcess runtime;

    @AfterEach
    void stopTheRuntime() throws InterruptedException {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void aManagementPortThatIsTakenIsAStartUpErrorThatNamesThePortAndTheKey() throws Exception {
        try (RunpodEmulator runpod = RunpodEmulator.start(EmulatorSettings.defaults().withApiKey(KEY));
                ServerSocket otherProcess = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = otherProcess.getLocalPort();
            runtime = new RuntimeProcess(home, Map.of("CAMEL_MANAGEMENT_PORT", Integer.toString(port),
                    "RUNPOD_API_KEY", KEY, "NANOBANANA_ENDPOINT_URL", runpod.endpointUrl()));
            runtime.drop("shoe.yaml", JOB);

            Finished run = runtime.run(WAIT);

            assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
            assertThat(run.output().lines().filter(line -> line.contains(" ERROR "))).singleElement().asString()
                    .endsWith(" NanoBananaMain               The management server (health, metrics, status page) "
                              + "cannot listen on 127.0.0.1:" + port + " (Address already in use): set "
                              + "camel.management.port (CAMEL_MANAGEMENT_PORT) to a free port, or "
                              + "camel.management.enabled=false to run without it");
            assertThat(run.output()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
            assertThat(runtime.path("inbox/shoe.yaml")).as("no file taken").exists();
            assertThat(runpod.requests(Operation.RUNSYNC)).as("nothing sent").isEmpty();
        }
    }

    @Test
    void aDryRunCostsAndHelpOpenNoPortAndWorkWhileItIsTaken() throws Exception {
        try (ServerSocket otherProcess = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(otherProcess.getLocalPort());
            runtime = new RuntimeProcess(home, Map.of("CAMEL_MANAGEMENT_PORT", port, "NANOBANANA_DRY_RUN", "true"));
            runtime.drop("shoe.yaml", JOB);

            Finished dryRun = runtime.run(WAIT);

            assertThat(dryRun.exitCode()).as(dryRun.output()).isZero();
            assertThat(dryRun.output()).contains("Dry run: 1 job(s) would be sent for 0.0875 USD");
            assertOpenedNoPort(dryRun);
            assertThat(runtime.path("inbox/shoe.yaml")).exists();

            RuntimeProcess command = new RuntimeProcess(home, Map.of("CAMEL_MANAGEMENT_PORT", port));
            Finished costs = command.run(WAIT, "--costs");
            assertThat(costs.exitCode()).as(costs.output()).isEqualTo(1);
            assertThat(costs.output()).contains("No job ledger at ");
            assertOpenedNoPort(costs);

            Finished help = command.run(WAIT, "--help");
            assertThat(help.exitCode()).as(help.output()).isZero();
            assertThat(help.output()).contains("Usage: java [-Dkey=value ...] -jar nano-banana-camel-app.jar");
            assertOpenedNoPort(help);
        }
    }

    /** Camel logs each start of an HTTP server, and each failed one. */
    private static void assertOpenedNoPort(Finished run) {
        assertThat(run.output()).doesNotContain("HttpServer").doesNotContain("\tat ");
    }
}
