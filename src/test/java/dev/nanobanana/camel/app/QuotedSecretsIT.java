package dev.nanobanana.camel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Fault;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RunpodEmulator;
import dev.nanobanana.camel.testing.RuntimeProcess;

/**
 * RunPod's error quotes the API key and every other configured secret: the fat jar shows {@code ****} in its place in
 * every output a person or another program reads, and each still says what failed.
 */
class QuotedSecretsIT {

    static final String API_KEY = "rpa_QUOTED7e1c9dAPIKEY";
    static final String S3_ACCESS_KEY = "AKIAQUOTED5B7C2D";
    static final String S3_SECRET_KEY = "s3-secret-QUOTED-4f2a9b";
    static final String SFTP_PASSWORD = "sftp-password-QUOTED-81d";
    static final String SFTP_PASSPHRASE = "sftp-passphrase-QUOTED-0c6";
    static final String LEDGER_PASSWORD = "ledger-password-QUOTED-6e3";
    static final String STATUS_TOKEN = "status-token-QUOTED-c90e";
    static final List<String> SECRETS = List.of(API_KEY, S3_ACCESS_KEY, S3_SECRET_KEY, SFTP_PASSWORD,
            SFTP_PASSPHRASE, LEDGER_PASSWORD, STATUS_TOKEN);
    /** What a careless server might answer: every secret of the installation, quoted. */
    static final String QUOTING = "Invalid API key " + API_KEY + " (S3 " + S3_ACCESS_KEY + " / " + S3_SECRET_KEY
                                  + ", SFTP " + SFTP_PASSWORD + " / " + SFTP_PASSPHRASE + ", ledger " + LEDGER_PASSWORD
                                  + ", status " + STATUS_TOKEN + ")";
    static final String MASKED = "Invalid API key **** (S3 **** / ****, SFTP **** / ****, ledger ****, status ****)";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path home;
    RunpodEmulator runpod;
    RuntimeProcess runtime;

    @AfterEach
    void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
        if (runpod != null) {
            runpod.close();
        }
    }

    @Test
    void aSecretRunpodQuotesInItsErrorShowsAsStarsInEveryOutputThatStillSaysWhatFailed() throws Exception {
        runpod = RunpodEmulator.start(EmulatorSettings.defaults().withApiKey(API_KEY)
                .withLatency(Duration.ofMillis(200)));
        runtime = new RuntimeProcess(home, Map.of(
                "RUNPOD_API_KEY", API_KEY,
                "NANOBANANA_ENDPOINT_URL", runpod.endpointUrl(),
                "NANOBANANA_S3_ACCESS_KEY", S3_ACCESS_KEY,
                "NANOBANANA_S3_SECRET_KEY", S3_SECRET_KEY,
                "NANOBANANA_SFTP_PASSWORD", SFTP_PASSWORD,
                "NANOBANANA_SFTP_PRIVATE_KEY_PASSPHRASE", SFTP_PASSPHRASE,
                "NANOBANANA_LEDGER_PASSWORD", LEDGER_PASSWORD,
                "NANOBANANA_STATUS_TOKEN", STATUS_TOKEN));

        // as a service: the job ends FAILED with the text; the next one is refused by runsync with HTTP 400 and it
        runpod.inject(Operation.RUNSYNC, Fault.jobFails(QUOTING));
        runpod.inject(Operation.RUNSYNC, Fault.jobFails(400, QUOTING));
        runtime.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> runtime.managementUrl() != null);
        String base = runtime.managementUrl();
        runtime.drop("one.yaml", job("Make it blue"));
        await().atMost(Duration.ofSeconds(60)).until(() -> runtime.count("out/failed", ".error.json") == 1);
        runtime.drop("two.yaml", job("Make it red"));
        await().atMost(Duration.ofSeconds(60)).until(() -> runtime.count("out/failed", ".error.json") == 2);
        runtime.drop("three.yaml", job("Make it green"));
        await().atMost(Duration.ofSeconds(60)).until(() -> runtime.count("out/completed", ".json") == 1);

        for (String id : List.of("one", "two")) {
            String record = Files.readString(runtime.path("out/failed/" + id + ".error.json"));
            assertThat(record).as(id).doesNotContain(SECRETS).contains(MASKED);
        }
        assertThat(JSON.readTree(runtime.path("out/failed/one.error.json").toFile()).path("reason").asText())
                .isEqualTo("RunPod reports the job FAILED: " + MASKED);
        assertThat(JSON.readTree(runtime.path("out/failed/two.error.json").toFile()).path("reason").asText())
                .isEqualTo("RunPod rejected the job (HTTP 400): " + MASKED);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(runtime.log())
                .contains("Job one failed: RunPod reports the job FAILED: " + MASKED)
                .contains("Job two failed: RunPod rejected the job (HTTP 400): " + MASKED));
        JsonNode summary = JSON.readTree(get(base + "/status/api/summary.json").body());
        assertThat(summary.path("failures").findValuesAsText("reason")).hasSize(2)
                .allSatisfy(reason -> assertThat(reason).contains(MASKED));
        for (String path : List.of("/status/", "/status/api/summary.json", "/status/records/inbox/one",
                "/status/records/inbox/two", "/status/records/inbox/three", "/observe/metrics")) {
            HttpResponse<String> response = get(base + path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.body()).as(path).doesNotContain(SECRETS);
        }
        assertThat(get(base + "/observe/metrics").body())
                .containsPattern("nanobanana_jobs_failed_total\\{[^}]*reason=\"runpod_failed\"[^}]*} 2\\.0");
        runtime.terminate();

        // one batch on the same folder and ledger: its summary and contact sheet
        runpod.inject(Operation.RUNSYNC, Fault.jobFails(QUOTING));
        runtime.drop("four.yaml", job("Make it yellow"));

        assertThat(runtime.once()).as(runtime.log()).isEqualTo(1);

        String batch = runtime.log().substring(runtime.log().lastIndexOf("=== start "));
        assertThat(batch).contains("Job four failed: RunPod reports the job FAILED: " + MASKED)
                .containsPattern("(?m)^  four failed: RunPod reports the job FAILED: "
                                 + Pattern.quote("Invalid API key **** (S3 **** / ****"));
        String sheet = Files.readString(runtime.path("out/report.html"));
        assertThat(sheet).contains("RunPod reports the job FAILED: " + MASKED);

        assertThat(runpod.requests(Operation.RUNSYNC)).as("each job sent once").hasSize(4);
        try (Stream<Path> files = Files.walk(home)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).as(file.toString())
                        .doesNotContain(SECRETS);
            }
        }
    }

    private static String job(String prompt) {
        return "prompt: " + prompt + "\nimages: [https://images.test/a.png]\n";
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + STATUS_TOKEN)
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
