package dev.nanobanana.camel.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.camel.json.Json;
import dev.nanobanana.camel.testing.RuntimeProcess;
import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Fault;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RunpodEmulator;

/**
 * A log shipper reads the fat jar's output: with {@code NANOBANANA_LOG_FORMAT=json} every line is one JSON object, a
 * line about a job names it in fields of its own, and no line quotes a secret, not even a stack trace. Without the
 * setting the log is the plain text it always was.
 */
class JsonLogsIT {

    static final String API_KEY = "rpa_JSONLOGS5d2e7aKEY";
    static final String S3_SECRET_KEY = "s3-secret-JSONLOGS-9c1f";
    /** What a careless server might answer: the installation's secrets, quoted. */
    static final String QUOTING = "Invalid API key " + API_KEY + " (S3 " + S3_SECRET_KEY + ")";
    static final Pattern JOB_LINE = Pattern.compile("^Job (\\w+)[: ]");
    static final Pattern COMPLETED = Pattern.compile("^Job (\\w+) completed: .*\\(RunPod job (\\S+), cost");
    static final Pattern TEXT_LINE =
            Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (TRACE|DEBUG|INFO |WARN |ERROR) \\S");
    static final Duration BATCH = Duration.ofSeconds(180);

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
    void aBatchWithJsonLogsWritesOneObjectALineWithEachJobsFieldsAndNoSecret() throws Exception {
        startEmulator();
        runtime = new RuntimeProcess(home, environment("json"));
        // one submit answered 500 and retried; one job that RunPod fails with a text quoting the secrets
        runpod.inject(Operation.RUNSYNC, Fault.httpStatus(500));
        runpod.inject(Operation.RUNSYNC, Fault.jobFails(QUOTING));
        dropJobs();

        RuntimeProcess.Finished batch = runtime.run(BATCH, "--once");

        assertThat(batch.exitCode()).as(batch.output()).isEqualTo(1);
        List<JsonNode> lines = jsonLines(batch.output());
        assertThat(lines).as("the start, the jobs and the summary").hasSizeGreaterThan(20);
        assertThat(batch.output()).doesNotContain(API_KEY, S3_SECRET_KEY);
        List<String> failed = runtime.names("out/failed", ".error.json");
        assertThat(failed).hasSize(1);
        String failedJob = failed.get(0).replace(".error.json", "");
        JsonNode record = Json.MAPPER.readTree(runtime.path("out/failed/" + failed.get(0)).toFile());

        for (JsonNode line : lines) {
            Matcher job = JOB_LINE.matcher(line.path("message").asText());
            if (job.find()) {
                assertThat(line.path("jobId").asText()).as(line.toString()).isEqualTo(job.group(1));
                assertThat(line.path("source").asText()).as(line.toString()).isEqualTo("inbox");
            }
            Matcher completed = COMPLETED.matcher(line.path("message").asText());
            if (completed.find()) {
                assertThat(line.path("runpodJobId").asText()).as(line.toString()).isEqualTo(completed.group(2));
            }
        }
        assertThat(messages(lines, "^Job \\w+ completed: ")).hasSize(2);
        JsonNode failure = single(lines, "^Job " + failedJob + " failed: ");
        assertThat(failure.path("message").asText()).isEqualTo("Job " + failedJob
                + " failed: RunPod reports the job FAILED: Invalid API key **** (S3 ****)");
        assertThat(failure.path("level").asText()).isEqualTo("WARN");
        assertThat(failure.path("runpodJobId").asText()).isEqualTo(record.path("runpodId").asText()).isNotEmpty();
        JsonNode retry = single(lines, "^Job \\w+: submitting the job to RunPod failed \\(HTTP 500\\), attempt 1 ");
        assertThat(retry.path("jobId").asText()).isNotEmpty();
        assertThat(retry.has("runpodJobId")).as("no RunPod job yet: %s", retry).isFalse();
        // what --once prints for a person is in the JSON too, and lines about no job have no job fields
        JsonNode summary = single(lines, "^Batch over in .*: 2 completed, 1 failed");
        assertThat(summary.has("jobId")).isFalse();
        assertThat(messages(lines, "^  " + failedJob + " failed: RunPod reports the job FAILED: Invalid API key "
                                   + Pattern.quote("**** (S3 ****)"))).hasSize(1);
        assertThat(runpod.requests(Operation.RUNSYNC)).as("each job sent once, the 500 once more").hasSize(4);
    }

    @Test
    void aStackTraceInTheJsonLogShowsTheKeyAsStars() throws Exception {
        startEmulator();
        runtime = new RuntimeProcess(home, environment("json"));
        // a route file that puts the key into an option its endpoint does not have: Camel refuses it, quoting the URI
        Files.writeString(runtime.path("routes/typo.camel.yaml"), """
                - route:
                    id: typo
                    from:
                      uri: "file:inbox?prompt={{nanobanana.api-key}}"
                      steps:
                        - log: "never"
                """);

        RuntimeProcess.Finished refused = runtime.run(BATCH, "--once");

        assertThat(refused.exitCode()).as(refused.output()).isEqualTo(2);
        List<JsonNode> lines = jsonLines(refused.output());
        JsonNode error = single(lines, "^nano-banana-camel could not start: ");
        assertThat(error.path("stack_trace").asText())
                .startsWith("org.apache.camel.FailedToCreateRouteException")
                .contains("prompt=****")
                .contains("\tat org.apache.camel.");
        assertThat(refused.output()).doesNotContain(API_KEY);
    }

    @Test
    void aDryRunsTableIsJsonLinesToo() throws Exception {
        startEmulator();
        runtime = new RuntimeProcess(home, environment("json"), "-Dnanobanana.dry-run=true");
        dropJobs();

        RuntimeProcess.Finished dryRun = runtime.run(BATCH);

        assertThat(dryRun.exitCode()).as(dryRun.output()).isEqualTo(0);
        List<JsonNode> lines = jsonLines(dryRun.output());
        assertThat(single(lines, "^3 job\\(s\\) would be sent, for \\S+ USD\\.$").path("logger_name").asText())
                .isEqualTo("dev.nanobanana.camel.app.once.OnceBatch");
        assertThat(messages(lines, "one\\.yaml +one +1k ")).hasSize(1);
        assertThat(runpod.requests(Operation.RUNSYNC)).isEmpty();
    }

    @Test
    void withoutTheSettingTheLogIsPlainTextAsBefore() throws Exception {
        startEmulator();
        runtime = new RuntimeProcess(home, environment(null));
        dropJobs();

        RuntimeProcess.Finished batch = runtime.run(BATCH, "--once");

        assertThat(batch.exitCode()).as(batch.output()).isEqualTo(0);
        List<String> lines = batch.output().lines().skip(1).toList();
        assertThat(lines).noneMatch(line -> line.startsWith("{"));
        assertThat(lines).filteredOn(line -> line.contains("Job one completed: one.png (RunPod job "))
                .singleElement().asString()
                .matches(TEXT_LINE.pattern() + ".*")
                .containsPattern(" INFO  NanoBananaRoutes {13}Job one completed: ");
        // what --once prints for a person, as it was
        assertThat(lines).contains("Images and records: out/completed")
                .anyMatch(line -> line.matches("\\[[123]/3] three completed: out/completed/three\\.png \\(.+ USD\\)"));
    }

    @Test
    void jsonLogsWithoutTheirLogbackFileAreRefusedWithTheFileNamed() throws Exception {
        runtime = new RuntimeProcess(home, environment("json"));
        Files.delete(runtime.path("config/logback-json.xml"));

        RuntimeProcess.Finished refused = runtime.run(Duration.ofSeconds(60), "--once");

        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.output())
                .contains("nanobanana.log.format=json needs config/logback-json.xml, which is not in ")
                .contains("copy it from the release's config/ folder");
    }

    private void startEmulator() throws IOException {
        runpod = RunpodEmulator.start(EmulatorSettings.defaults().withApiKey(API_KEY)
                .withLatency(Duration.ofMillis(200)));
    }

    private Map<String, String> environment(String logFormat) {
        Map<String, String> environment = new HashMap<>(Map.of(
                "RUNPOD_API_KEY", API_KEY,
                "NANOBANANA_S3_SECRET_KEY", S3_SECRET_KEY,
                "NANOBANANA_RETRY_INITIAL_DELAY", "200"));
        if (runpod != null) {
            environment.put("NANOBANANA_ENDPOINT_URL", runpod.endpointUrl());
        }
        if (logFormat != null) {
            environment.put("NANOBANANA_LOG_FORMAT", logFormat);
        }
        return environment;
    }

    private void dropJobs() throws IOException {
        for (String id : List.of("one", "two", "three")) {
            runtime.drop(id + ".yaml", "prompt: Make it " + id + "\nimages: [https://images.test/a.png]\n");
        }
    }

    /** Every line the runtime wrote (after the test's own "=== start" line), each parsed: none may be anything else. */
    private static List<JsonNode> jsonLines(String output) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.lines().skip(1).toList()) {
            JsonNode parsed;
            try {
                parsed = Json.MAPPER.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("not a JSON line: " + line, e);
            }
            assertThat(parsed.isObject()).as(line).isTrue();
            assertThat(parsed.path("message").isTextual()).as(line).isTrue();
            lines.add(parsed);
        }
        return lines;
    }

    private static List<JsonNode> messages(List<JsonNode> lines, String regex) {
        Pattern pattern = Pattern.compile(regex);
        return lines.stream().filter(line -> pattern.matcher(line.path("message").asText()).find()).toList();
    }

    private static JsonNode single(List<JsonNode> lines, String regex) {
        List<JsonNode> found = messages(lines, regex);
        assertThat(found).as("lines matching %s", regex).hasSize(1);
        return found.get(0);
    }
}
