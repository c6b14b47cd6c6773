package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.nanobanana.camel.testing.PipelineTestSupport;
import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Fault;
import dev.nanobanana.emulator.Operation;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

/**
 * An application that embeds the pipeline and has an OpenTelemetry SDK of its own gets a trace per job in it: the
 * job's steps as spans named for what they do, with the job's id, source, RunPod job id, resolution, attempts and cost,
 * and no secret anywhere.
 */
class TracingTest extends PipelineTestSupport {

    static final String API_KEY = "rpa_TRACINGb41e7dTESTKEY";
    static final AttributeKey<String> JOB_ID = AttributeKey.stringKey(JobSpanDecorator.JOB_ID);

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private OpenTelemetrySdk openTelemetry;

    @Override
    public EmulatorSettings emulatorSettings() {
        return super.emulatorSettings().withApiKey(API_KEY);
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        // the application's own SDK, as a bean: the pipeline traces its jobs with it
        openTelemetry = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .build();
        context.getRegistry().bind("openTelemetry", OpenTelemetry.class, openTelemetry);
        logs.start();
        root.addAppender(logs);
        return context;
    }

    @AfterEach
    void closeSdk() {
        root.detachAppender(logs);
        openTelemetry.close();
    }

    @Test
    void eachJobIsOneTraceFromAdmitToItsSinkWithTheJobsFacts() throws Exception {
        // RunPod still works on the jobs when runsync answers: they are polled
        emulator.inject(Operation.RUNSYNC, Fault.jobRunsFor(Duration.ofMillis(1200)));
        emulator.inject(Operation.RUNSYNC, Fault.jobRunsFor(Duration.ofMillis(1200)));
        // two jobs of one file: a trace each
        drop("shots.yaml", "jobs:\n"
                           + "  - {id: shoe, prompt: Make the sneaker yellow, images: [\"https://images.test/shoe.png\"],"
                           + " resolution: 2k}\n"
                           + "  - {id: hat, prompt: Make the hat red, images: [\"https://images.test/hat.png\"]}\n");
        String shoeRunpodId = json(completed.resolve("shoe.json")).get("runpodId").asText();
        json(completed.resolve("hat.json"));

        List<SpanData> shoe = trace("shoe");
        List<SpanData> hat = trace("hat");
        assertThat(shoe.get(0).getTraceId()).isNotEqualTo(hat.get(0).getTraceId());
        assertThat(names(shoe)).contains("job", "admit", "submit", "poll", "download", "deliver", "file")
                .doesNotContain("job file");
        SpanData job = only(shoe, "job");
        assertThat(job.getParentSpanContext().isValid()).as("the job's span is its trace's root").isFalse();
        assertThat(strings(job)).containsEntry(JobSpanDecorator.JOB_ID, "shoe")
                .containsEntry(JobSpanDecorator.SOURCE, "inbox")
                .containsEntry(JobSpanDecorator.RUNPOD_JOB_ID, shoeRunpodId)
                .containsEntry(JobSpanDecorator.RESOLUTION, "2k")
                .containsEntry(JobSpanDecorator.ATTEMPTS, "1")
                .containsEntry(JobSpanDecorator.COST_USD, "0.13")
                .containsEntry(JobSpanDecorator.PHASE, "DELIVERED");
        assertThat(job.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
        List<SpanData> polls = steps(shoe, "poll");
        assertThat(polls).isNotEmpty().allSatisfy(poll -> assertThat(strings(poll))
                .containsEntry(JobSpanDecorator.RUNPOD_JOB_ID, shoeRunpodId));
        // the sink write: the image and the record into the completed folder
        assertThat(shoe).filteredOn(span -> span.getName().equals("file"))
                .allSatisfy(write -> assertThat("/" + strings(write).get("url.path")).isEqualTo(completed.toString()))
                .extracting(write -> strings(write).get("file.name")).containsExactlyInAnyOrder("shoe.png", "shoe.json");
        assertThat(strings(only(hat, "job"))).containsEntry(JobSpanDecorator.RESOLUTION, "1k");
        // the line the deliver step logs after the sink's writes carries the deliver step's span, not the last write's
        ILoggingEvent delivered = logs.list.stream()
                .filter(line -> line.getFormattedMessage().startsWith("Job shoe completed: "))
                .findFirst().orElseThrow();
        assertThat(delivered.getMDCPropertyMap()).containsEntry(JobLogFields.TRACE_ID, job.getTraceId())
                .containsEntry(JobLogFields.SPAN_ID, steps(shoe, "deliver").get(0).getSpanId());
        assertNoSecretIn(spans.getFinishedSpanItems());
    }

    @Test
    void aRetriedSubmitIsTwoSubmitSpansOfTheOneTraceAndItsLogLinesCarryTheTraceId() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.httpStatus(503));
        drop("shoe.json", PipelineTest.job(""));
        json(completed.resolve("shoe.json"));

        List<SpanData> shoe = trace("shoe");
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(2);
        List<SpanData> submits = steps(shoe, "submit");
        assertThat(submits).hasSize(2);
        assertThat(submits.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(strings(submits.get(0))).containsEntry(JobSpanDecorator.ATTEMPTS, "1");
        assertThat(submits.get(1).getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
        assertThat(strings(submits.get(1))).containsEntry(JobSpanDecorator.ATTEMPTS, "2");
        assertThat(strings(only(shoe, "job"))).containsEntry(JobSpanDecorator.ATTEMPTS, "2");

        String traceId = shoe.get(0).getTraceId();
        ILoggingEvent retry = logs.list.stream()
                .filter(line -> line.getFormattedMessage().startsWith("Job shoe: submitting the job to RunPod failed (HTTP 503)"))
                .findFirst().orElseThrow();
        assertThat(retry.getMDCPropertyMap()).containsEntry(JobLogFields.TRACE_ID, traceId)
                .containsKey(JobLogFields.SPAN_ID);
        assertNoSecretIn(spans.getFinishedSpanItems());
    }

    @Test
    void aFailedJobsTraceEndsInItsErrorRecordWithTheReasonButNoSignatureOrImageBytes() throws Exception {
        String signed = "https://bucket.s3.test/shoe.png?X-Amz-Signature=0ddba11c0ffee&X-Amz-Credential=AKIATEST";
        emulator.inject(Operation.RUNSYNC, Fault.jobFails("Cannot fetch " + signed + " nor data:image/png;base64,"
                                                          + "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"));
        drop("shoe.json", PipelineTest.job(""));
        json(failed.resolve("shoe.error.json"));

        List<SpanData> shoe = trace("shoe");
        assertThat(names(shoe)).contains("job", "admit", "submit", "deliver error record").doesNotContain("download");
        SpanData job = only(shoe, "job");
        assertThat(job.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(strings(job)).containsEntry(JobSpanDecorator.PHASE, "FAILED")
                .containsKey(JobSpanDecorator.RUNPOD_JOB_ID);
        assertThat(job.getEvents()).anySatisfy(event -> assertThat(
                event.getAttributes().get(AttributeKey.stringKey("message")))
                .isEqualTo("RunPod reports the job FAILED: Cannot fetch https://bucket.s3.test/shoe.png nor "
                           + "data:image/png;base64,..."));
        assertNoSecretIn(spans.getFinishedSpanItems());
    }

    @Test
    void anApplicationWithoutATracerGetsNoTracing() throws Exception {
        CamelContext plain = startInstance(settings());

        assertThat(plain.hasService(org.apache.camel.telemetry.Tracer.class)).isNull();
        assertThat(context.hasService(org.apache.camel.telemetry.Tracer.class)).isNotNull();
    }

    /** The spans of the job's trace, once its own span has ended. */
    private List<SpanData> trace(String jobId) {
        SpanData job = await().atMost(WAIT).until(() -> spans.getFinishedSpanItems().stream()
                .filter(span -> span.getName().equals("job") && jobId.equals(span.getAttributes().get(JOB_ID)))
                .findFirst().orElse(null), span -> span != null);
        List<SpanData> trace = spans.getFinishedSpanItems().stream()
                .filter(span -> span.getTraceId().equals(job.getTraceId()))
                .sorted(java.util.Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
        assertThat(trace).as("every span of the trace is the job's")
                .allSatisfy(span -> assertThat(span.getAttributes().get(JOB_ID)).isIn(jobId, null));
        return trace;
    }

    private static List<String> names(List<SpanData> trace) {
        return trace.stream().map(SpanData::getName).distinct().toList();
    }

    private static SpanData only(List<SpanData> trace, String name) {
        return trace.stream().filter(span -> span.getName().equals(name)).reduce((a, b) -> {
            throw new AssertionError("two spans named " + name + ": " + a + " " + b);
        }).orElseThrow(() -> new AssertionError("no span named " + name + " in " + names(trace)));
    }

    /** A step's spans as its route received them: one each time the step ran. */
    private static List<SpanData> steps(List<SpanData> trace, String name) {
        return trace.stream().filter(span -> span.getName().equals(name))
                .filter(span -> "EVENT_RECEIVED".equals(span.getAttributes().get(AttributeKey.stringKey("op"))))
                .toList();
    }

    private static Map<String, String> strings(SpanData span) {
        return span.getAttributes().asMap().entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(entry -> entry.getKey().getKey(),
                        entry -> String.valueOf(entry.getValue())));
    }

    /** Neither the API key, nor a presigned URL's query, nor an image's bytes, in any attribute or event. */
    private static void assertNoSecretIn(List<SpanData> all) {
        List<String> texts = all.stream().flatMap(span -> Stream.concat(
                        Stream.of(span.getName()), Stream.concat(strings(span).values().stream(),
                                span.getEvents().stream().flatMap(event -> event.getAttributes().asMap().values()
                                        .stream().map(String::valueOf)))))
                .toList();
        assertThat(texts).isNotEmpty().noneMatch(text -> text.contains(API_KEY) || text.contains("X-Amz-")
                                                         || text.contains("iVBOR"));
    }
}
