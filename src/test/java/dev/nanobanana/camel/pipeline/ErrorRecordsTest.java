package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import dev.nanobanana.camel.job.JobStep;
import dev.nanobanana.camel.settings.KnownSecrets;
import dev.nanobanana.camel.job.InvalidJobException;
import dev.nanobanana.camel.job.JobDraft;
import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.runpod.RunpodJobFailedException;
import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.runpod.RunpodStatus;
import dev.nanobanana.camel.runpod.RunsyncRequest;
import dev.nanobanana.camel.sink.ErrorRecord;
import dev.nanobanana.camel.job.JobRoute;
import dev.nanobanana.camel.job.JobProgress;

class ErrorRecordsTest {

    private static final int CAP = 64 * 1024;
    private static final String MEGABYTES = "x".repeat(52_428_800);

    private final ErrorRecords records = new ErrorRecords(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
            new KnownSecrets(List.of()));

    private static Exchange failedJob(Exception failure, JobStep step) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(JobExchange.STATE, JobState.received(JobDraft.of("big", "big.json", null),
                JobRoute.alone("inbox"), Instant.EPOCH).withProgress(JobProgress.START.at(step)));
        exchange.setException(failure);
        return exchange;
    }

    private static int recordSize(ErrorRecord record) throws Exception {
        return new ObjectMapper().registerModule(new JavaTimeModule()).writeValueAsBytes(record).length;
    }

    @Test
    void aHugeJobIsCutInItsErrorRecordAndSaysHowLongItWas() throws Exception {
        ObjectNode fields = JsonNodeFactory.instance.objectNode().put("prompt", MEGABYTES);
        fields.putArray("images").add("https://x.test/a.png");
        Exchange exchange = failedJob(new InvalidJobException("the runsync body is 52.0 MB"), JobStep.READ);
        exchange.setProperty(JobExchange.STATE, JobState.received(JobDraft.of("big", "big.json", fields), JobRoute.alone("inbox"), Instant.EPOCH)
                .withProgress(JobExchange.state(exchange).progress()));

        ErrorRecord record = records.of(exchange);

        String prompt = record.job().get("prompt").asText();
        assertThat(prompt).startsWith("xxxx").endsWith("…[cut: 52428800 characters in all]");
        assertThat(prompt.length()).isLessThan(CAP + 50);
        assertThat(record.job().get("images").get(0).asText()).isEqualTo("https://x.test/a.png");
        assertThat(fields.get("prompt").asText()).hasSize(MEGABYTES.length());
        assertThat(recordSize(record)).isLessThan(100_000);
    }

    @Test
    void aDataUriImageIsShownAsItsStartAndItsSize() {
        String image = "data:image/png;base64,iVBORw0KGgo" + "A".repeat(2_000_000);
        ObjectNode fields = JsonNodeFactory.instance.objectNode().put("prompt", "p");
        fields.putArray("images").add(image);
        Exchange exchange = failedJob(new java.io.IOException("Connection reset"), JobStep.SUBMIT);
        exchange.setProperty(JobExchange.STATE, JobState.received(JobDraft.of("big", "big.json", fields), JobRoute.alone("inbox"), Instant.EPOCH)
                .withProgress(JobExchange.state(exchange).progress())
                .withJob(null, new RunsyncRequest(new RunsyncRequest.Input(List.of(image), MEGABYTES, "1k", null,
                        "png", false))));

        ErrorRecord record = records.of(exchange);

        assertThat(record.job().get("images").get(0).asText())
                .startsWith("data:image/png;base64,iVBORw0KGgo")
                .endsWith("…[cut: " + image.length() + " characters in all]")
                .hasSizeLessThan(200);
        assertThat(record.request().input().images()).singleElement().asString()
                .startsWith("data:image/png;base64,").hasSizeLessThan(200);
        assertThat(record.request().input().prompt()).hasSizeLessThan(CAP + 50);
        assertThat(record.request().input().resolution()).isEqualTo("1k");
    }

    @Test
    void runpodsErrorTextAndTheExceptionAreCut() throws Exception {
        RunpodResult failed = new RunpodResult("sync-1", RunpodStatus.FAILED, null, null, null,
                JsonNodeFactory.instance.textNode("Error submitting task: " + MEGABYTES));
        Exchange exchange = failedJob(new RunpodJobFailedException(failed), JobStep.SUBMIT);

        ErrorRecord record = records.of(exchange);

        assertThat(record.runpodError()).startsWith("Error submitting task: xxx").hasSizeLessThan(CAP + 50)
                .endsWith(" characters in all]");
        assertThat(record.reason()).startsWith("RunPod reports the job FAILED: Error submitting task: xxx")
                .hasSizeLessThan(CAP + 50);
        assertThat(record.exception()).hasSizeLessThan(CAP + 50);
        assertThat(recordSize(record)).isLessThan(300_000);
    }
}
