package dev.nanobanana.camel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Fault;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RunpodEmulator;
import dev.nanobanana.camel.testing.S3TestServer;
import dev.nanobanana.camel.testing.RuntimeProcess;

/**
 * The standalone runtime watched as an operator watches it: readiness and liveness over HTTP, a Prometheus scrape,
 * and the progress line in its log.
 */
class HealthAndMetricsIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String KEY = "rpa_OBSERVE_SECRET_KEY_0042";
    static final String LEDGER_PASSWORD = "ledger-secret-0042";

    @TempDir
    Path home;
    RuntimeProcess runtime;
    RunpodEmulator emulator;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void readinessGoesDownWhileRunpodIsAwayAndUpWhenItIsBackWhileLivenessStaysUp() throws Exception {
        int port = freePort();
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withPort(port).withApiKey(KEY));
        start(KEY, Map.of());
        awaitReady();

        emulator.close();
        JsonNode down = awaitNotReady();
        assertThat(message(down, "nanobanana-runpod"))
                .contains("RunPod cannot be reached at", "the connection was refused",
                        "check nanobanana.endpoint-url and this machine's network");
        assertThat(get("/observe/health/live")).satisfies(live -> {
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(json(live.body()).path("status").asText()).isEqualTo("UP");
        });

        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withPort(port).withApiKey(KEY));
        awaitReady();
        assertThat(runtime.log()).contains("Not ready: RunPod cannot be reached", "Ready again: RunPod answers");
    }

    @Test
    void aRefusedKeyMakesItNotReadyWithOneLineSayingSoAndNeverTheKey() throws Exception {
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withApiKey("rpa_THE_RIGHT_KEY_0042"));
        start(KEY, Map.of());

        JsonNode down = awaitNotReady();
        String message = message(down, "nanobanana-runpod");
        assertThat(message).startsWith("RunPod refused the API key (HTTP 401")
                .endsWith("check nanobanana.api-key (RUNPOD_API_KEY)").doesNotContain("\n");
        assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);
        assertThat(emulator.requests(Operation.HEALTH)).isNotEmpty()
                .allSatisfy(request -> assertThat(request.authorized()).isFalse());
        assertNoSecretIn(get("/observe/health?exposureLevel=full").body());
        assertNoSecretIn(get("/observe/metrics").body());
        assertNoSecretIn(runtime.log());
    }

    @Test
    void aSinkFolderThatIsAFileAndAnS3SourceOutOfReachMakeItNotReady() throws Exception {
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withApiKey(KEY));
        Files.writeString(home.resolve("not-a-folder"), "");
        try (S3TestServer s3 = S3TestServer.start()) {
            s3.createBucket("partner");
            s3.stop();
            start(KEY, Map.of("NANOBANANA_COMPLETED_DIR", home.resolve("not-a-folder").toString(),
                    "NANOBANANA_S3_ENABLED", "true", "NANOBANANA_S3_BUCKET", "partner",
                    "NANOBANANA_S3_ENDPOINT_URL", s3.endpoint().toString(), "NANOBANANA_S3_PATH_STYLE", "true",
                    "NANOBANANA_S3_ACCESS_KEY", s3.accessKey(), "NANOBANANA_S3_SECRET_KEY", s3.secretKey()));

            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode health = json(get("/observe/health/ready").body());
                assertThat(message(health, "nanobanana-folders"))
                        .isEqualTo("the folder " + home.resolve("not-a-folder") + " (nanobanana.completed-dir) "
                                   + "cannot be written: it is a file, not a folder");
                assertThat(message(health, "nanobanana-sources"))
                        .startsWith("aws2-s3://partner cannot be read: ");
                // the readiness answer lists the checks that are down, and only those
                assertThat(health.path("checks")).extracting(check -> check.path("name").asText())
                        .containsExactlyInAnyOrder("nanobanana-folders", "nanobanana-sources");
            });
            assertThat(get("/observe/health/ready").statusCode()).isEqualTo(503);
            assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);
            String everything = get("/observe/health?exposureLevel=full").body();
            assertThat(everything).doesNotContain(s3.secretKey()).doesNotContain(s3.accessKey());
            assertNoSecretIn(everything);
        }
    }

    @Test
    void aScrapeAfterABatchShowsTheJobsTheRetriesAndTheMoney() throws Exception {
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withApiKey(KEY)
                .withLatency(Duration.ofMillis(200)));
        emulator.inject(Operation.RUNSYNC, Fault.httpStatus(429, Duration.ofSeconds(1)));
        emulator.inject(Operation.RUNSYNC, Fault.jobFails("bad input"));
        start(KEY, Map.of());
        awaitReady();

        runtime.drop("a.json", "{\"prompt\": \"a\", \"images\": [\"https://images.test/a.png\"]}");
        runtime.drop("b.json", "{\"prompt\": \"b\", \"images\": [\"https://images.test/b.png\"]}");
        runtime.drop("c.json", "{\"prompt\": \"c\", \"images\": [\"https://images.test/c.png\"], "
                               + "\"resolution\": \"2k\"}");
        await().atMost(WAIT).until(() -> runtime.count("out/completed", ".json") + runtime.count("out/failed",
                ".error.json") == 3);

        Map<String, Double> metrics = await().atMost(WAIT).until(() -> scrape(get("/observe/metrics").body()),
                scraped -> scraped.getOrDefault("nanobanana_jobs_completed_total", 0.0) == 2);
        assertThat(metrics).containsEntry("nanobanana_jobs_received_total", 3.0)
                .containsEntry("nanobanana_jobs_failed_total{reason=\"runpod_failed\"}", 1.0)
                .containsEntry("nanobanana_retries_total{cause=\"429\"}", 1.0)
                .containsEntry("nanobanana_retries_total{cause=\"5xx\"}", 0.0)
                .containsEntry("nanobanana_retries_total{cause=\"io\"}", 0.0)
                .containsEntry("nanobanana_job_duration_seconds_count{outcome=\"completed\"}", 2.0)
                .containsEntry("nanobanana_job_duration_seconds_count{outcome=\"failed\"}", 1.0)
                .containsEntry("nanobanana_jobs_in_flight", 0.0)
                .containsEntry("nanobanana_jobs_waiting", 0.0)
                .containsEntry("nanobanana_images_written_bytes_total", (double) imageBytes("out/completed"))
                .containsKeys("nanobanana_runpod_delay_seconds_count", "nanobanana_runpod_execution_seconds_count",
                        "jvm_threads_live_threads");
        // the heap's pools are named after the collector (the shipped one's are "PS ...")
        assertThat(metrics.keySet()).as("the JVM's heap").anyMatch(key -> key.startsWith(
                "jvm_memory_used_bytes{area=\"heap\",id=") && key.contains("Old Gen"));
        assertThat(metrics.get("nanobanana_runpod_execution_seconds_count")).isGreaterThanOrEqualTo(2.0);
        assertThat(metrics.entrySet()).filteredOn(metric -> metric.getKey().startsWith("nanobanana_jobs_failed_total"))
                .extracting(metric -> metric.getKey().replaceAll(".*reason=\"([a-z_0-9]+)\".*", "$1"))
                .containsOnly("runpod_failed", "invalid_job", "timeout", "http_4xx", "http_5xx", "unreachable",
                        "in_doubt", "download", "sink", "ledger", "other");
        // which of a, b and c failed is the emulator's choice: the money is what the two others cost
        List<String> failedJobs = runtime.names("out/failed", ".error.json");
        assertThat(failedJobs).hasSize(1);
        double oneK = failedJobs.get(0).startsWith("c.") ? 0.175 : 0.0875;
        double twoK = failedJobs.get(0).startsWith("c.") ? 0.0 : 0.13;
        assertThat(metrics.get("nanobanana_spent_usd_total{resolution=\"1k\"}")).isCloseTo(oneK, within());
        assertThat(metrics.get("nanobanana_spent_usd_total{resolution=\"2k\"}")).isCloseTo(twoK, within());
        // three jobs, one of them sent twice after the 429
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(4);
        assertNoSecretIn(get("/observe/metrics").body());
    }

    @Test
    void aProgressLineComesWhileABatchRunsAndNoneWhileIdle() throws Exception {
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withApiKey(KEY)
                .withLatency(Duration.ofSeconds(3)));
        start(KEY, Map.of("NANOBANANA_CONCURRENCY", "2"));
        awaitReady();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> progressLines().isEmpty());

        for (int i = 0; i < 4; i++) {
            runtime.drop("job-" + i + ".json", "{\"prompt\": \"p" + i + "\", \"images\": [\"https://images.test/"
                                               + i + ".png\"]}");
        }
        await().atMost(WAIT).until(() -> progressLines().stream().anyMatch(line -> line.contains("2 in flight")));
        await().atMost(WAIT).until(() -> runtime.log().contains("Batch finished in "));
        assertThat(progressLines()).allSatisfy(line -> assertThat(line)
                .matches(".*Progress: \\d done, 0 failed, \\d in flight, \\d waiting, \\d to go; [0-9.]+ USD spent; "
                         + "(about .* left at [0-9.]+ jobs/s|time left not known yet \\(no job has ended\\))"));
        assertThat(runtime.log()).contains("Batch finished in ").containsPattern(
                "Batch finished in [^:]+: 4 done, 0 failed; 0.35 USD spent");

        int lines = progressLines().size();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> progressLines().size() == lines);
    }

    private void start(String key, Map<String, String> more) throws IOException {
        Map<String, String> environment = new HashMap<>(more);
        environment.put("RUNPOD_API_KEY", key);
        environment.put("NANOBANANA_ENDPOINT_URL", emulator.endpointUrl());
        environment.put("NANOBANANA_LEDGER_PASSWORD", LEDGER_PASSWORD);
        environment.put("NANOBANANA_HEALTH_INTERVAL", "1s");
        environment.put("NANOBANANA_PROGRESS_INTERVAL", "1s");
        runtime = new RuntimeProcess(home, environment);
        runtime.start();
        await().atMost(WAIT).until(() -> runtime.managementUrl() != null || !runtime.isAlive());
        assertThat(runtime.isAlive()).as(runtime.log()).isTrue();
        assertThat(runtime.managementUrl()).as("the management server answers this machine only")
                .startsWith("http://127.0.0.1:");
    }

    private void awaitReady() {
        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> ready = get("/observe/health/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(json(ready.body()).path("status").asText()).isEqualTo("UP");
        });
    }

    private JsonNode awaitNotReady() {
        HttpResponse<String> ready = await().atMost(WAIT).until(() -> get("/observe/health/ready"),
                answer -> answer.statusCode() == 503);
        JsonNode health = json(ready.body());
        assertThat(health.path("status").asText()).isEqualTo("DOWN");
        return health;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(runtime.managementUrl() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode check(JsonNode health, String name) {
        for (JsonNode check : health.path("checks")) {
            if (name.equals(check.path("name").asText())) {
                return check;
            }
        }
        throw new AssertionError("no check " + name + " in " + health);
    }

    /**
     * A check's message as the check said it: Camel 4.18's management server escapes it twice (Jsoner.escape, then
     * the JSON writer), so that each / reads \/ once the JSON is parsed.
     */
    private static String message(JsonNode health, String name) {
        return check(health, name).path("message").asText().replace("\\/", "/");
    }

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*})?) (\\S+)$");

    /** Prometheus text as name{labels} to value. */
    private static Map<String, Double> scrape(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (!line.startsWith("#") && sample.matches()) {
                samples.put(sample.group(1), Double.parseDouble(sample.group(2)));
            }
        }
        return samples;
    }

    private long imageBytes(String folder) throws IOException {
        try (Stream<Path> files = Files.list(home.resolve(folder))) {
            return files.filter(file -> file.toString().endsWith(".png")).mapToLong(file -> file.toFile().length())
                    .sum();
        }
    }

    private List<String> progressLines() {
        return runtime.log().lines().filter(line -> line.contains("Progress: ")).toList();
    }

    private void assertNoSecretIn(String text) {
        assertThat(text).doesNotContain(KEY).doesNotContain(LEDGER_PASSWORD);
    }

    private static Offset<Double> within() {
        return Offset.offset(1e-9);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
