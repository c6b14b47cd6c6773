package dev.nanobanana.camel.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.camel.testing.OtlpReceiver;
import dev.nanobanana.camel.testing.OtlpReceiver.ReceivedSpan;
import dev.nanobanana.camel.testing.RuntimeProcess;
import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Fault;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RunpodEmulator;

/**
 * The fat jar with the standard OpenTelemetry variables set sends a trace of each job to the collector they name, over
 * OTLP; without them it starts no exporter and makes no span.
 */
class TracingIT {

    static final String API_KEY = "rpa_TRACINGIT5c2e8aKEY";
    static final String JOB = "prompt: Make the sneaker yellow\nimages: [\"https://images.test/shoe.png\"]\n";
    /** The thread the SDK's batch span processor sends from. */
    static final String EXPORTER_THREAD = "BatchSpanProcessor_WorkerThread";

    @TempDir
    Path home;
    RunpodEmulator runpod;
    RuntimeProcess runtime;
    OtlpReceiver collector;

    @AfterEach
    void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
        if (runpod != null) {
            runpod.close();
        }
        if (collector != null) {
            collector.close();
        }
    }

    @Test
    void withTheOtelVariablesSetEachJobsTraceReachesTheCollector() throws Exception {
        collector = new OtlpReceiver();
        runpod = RunpodEmulator.start(EmulatorSettings.defaults().withApiKey(API_KEY)
                .withLatency(Duration.ofMillis(50)));
        runpod.inject(Operation.RUNSYNC, Fault.httpStatus(503));
        runtime = new RuntimeProcess(home, Map.of(
                "RUNPOD_API_KEY", API_KEY,
                "NANOBANANA_ENDPOINT_URL", runpod.endpointUrl(),
                "OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint(),
                "OTEL_SERVICE_NAME", "image-edits"));

        runtime.start();
        runtime.drop("shoe.yaml", JOB);
        awaitImage();
        assertThat(threads(runtime)).contains(EXPORTER_THREAD);
        // a stop sends what the exporter still holds
        runtime.terminate();

        List<ReceivedSpan> spans = collector.spans();
        ReceivedSpan job = spans.stream().filter(span -> span.name().equals("job")).findFirst()
                .orElseThrow(() -> new AssertionError("no job span among " + spans + "\n" + runtime.log()));
        List<ReceivedSpan> trace = spans.stream().filter(span -> span.traceId().equals(job.traceId())).toList();
        assertThat(trace).extracting(ReceivedSpan::name)
                .contains("job", "admit", "submit", "download", "deliver", "file");
        assertThat(trace).filteredOn(span -> span.name().equals("submit")
                                             && "EVENT_RECEIVED".equals(span.attributes().get("op")))
                .extracting(span -> span.attributes().get("dev.nanobanana.job.attempts")).containsExactly("1", "2");
        assertThat(job.service()).isEqualTo("image-edits");
        assertThat(job.parentSpanId()).isEmpty();
        assertThat(job.attributes()).containsEntry("dev.nanobanana.job.id", "shoe")
                .containsEntry("dev.nanobanana.job.source", "inbox")
                .containsEntry("dev.nanobanana.job.resolution", "1k")
                .containsEntry("dev.nanobanana.job.attempts", "2")
                .containsEntry("dev.nanobanana.job.cost_usd", "0.0875")
                .containsKey("dev.nanobanana.runpod.job_id");
        assertThat(spans).allSatisfy(span -> assertThat(span.toString()).doesNotContain(API_KEY));
        assertThat(collector.requests()).allMatch(request -> request.equals("POST /v1/traces application/x-protobuf"));
        assertThat(runtime.log()).contains("Sending a trace of each job to " + collector.endpoint() + " (OTLP)")
                .doesNotContain(API_KEY);
    }

    @Test
    void withoutThemNoExporterRunsAndNoSpanIsMade() throws Exception {
        collector = new OtlpReceiver();
        runpod = RunpodEmulator.start(EmulatorSettings.defaults().withApiKey(API_KEY)
                .withLatency(Duration.ofMillis(50)));
        // as if unset, whatever the machine that runs the test has
        runtime = new RuntimeProcess(home, Map.of(
                "RUNPOD_API_KEY", API_KEY,
                "NANOBANANA_ENDPOINT_URL", runpod.endpointUrl(),
                "OTEL_EXPORTER_OTLP_ENDPOINT", "",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "",
                "OTEL_SERVICE_NAME", "image-edits"));

        runtime.start();
        runtime.drop("shoe.yaml", JOB);
        awaitImage();
        String threads = threads(runtime);
        runtime.terminate();

        assertThat(threads).contains("Camel").doesNotContain(EXPORTER_THREAD);
        // Camel's tracer says so when it starts: it never did
        assertThat(runtime.log()).doesNotContain("Opentelemetry2 enabled").doesNotContain("Sending a trace");
        assertThat(collector.requests()).isEmpty();
    }

    @Test
    void anOtelSettingTheRuntimeCannotServeRefusesTheStartWithItsReason() throws Exception {
        runpod = RunpodEmulator.start(EmulatorSettings.defaults().withApiKey(API_KEY));
        runtime = new RuntimeProcess(home, Map.of(
                "RUNPOD_API_KEY", API_KEY,
                "NANOBANANA_ENDPOINT_URL", runpod.endpointUrl(),
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"));

        RuntimeProcess.Finished run = runtime.run(Duration.ofSeconds(120), "--once");

        assertThat(run.exitCode()).isEqualTo(NanoBananaMain.NOT_STARTED);
        assertThat(run.output()).contains("Tracing: the OTEL_* settings are not usable: ")
                .contains("No GrpcSenderProvider found").doesNotContain("\tat ");
        assertThat(runpod.requests(Operation.RUNSYNC)).isEmpty();
    }

    /** Waits until the job is delivered and its file is done with: the job's route, and its span, have ended. */
    private void awaitImage() {
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> runtime.count("out/completed", ".png") == 1
                                                               && runtime.count("inbox/.done", ".yaml") == 1);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no image within 90 s:\n" + runtime.log(), e);
        }
    }

    /** The runtime's thread dump. */
    private static String threads(RuntimeProcess runtime) throws Exception {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(runtime.pid()), "Thread.print").redirectErrorStream(true).start();
        String dump = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(jcmd.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return dump;
    }
}
