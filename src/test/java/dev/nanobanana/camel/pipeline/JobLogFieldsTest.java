package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import dev.nanobanana.camel.testing.PipelineTestSupport;
import dev.nanobanana.emulator.Fault;
import dev.nanobanana.emulator.Operation;

/**
 * Each log line about a job, whichever thread writes it (the file's, the HTTP client's when RunPod answers, a
 * delivery thread's), carries the job's id, its source and RunPod's id for it as MDC fields, which a JSON log shows;
 * a line about no job carries none, even on a thread that worked on a job before.
 */
class JobLogFieldsTest extends PipelineTestSupport {

    private final Events events = new Events();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void record() {
        events.setContext(root.getLoggerContext());
        events.start();
        root.addAppender(events);
    }

    @AfterEach
    void stopRecording() {
        root.detachAppender(events);
        events.stop();
    }

    @Test
    void linesAboutAJobCarryItsIdSourceAndRunpodJobIdOnEveryThread() throws Exception {
        // the first submit fails: the retry is logged by the error handler on the thread RunPod's answer came on
        emulator.inject(Operation.RUNSYNC, Fault.httpStatus(500));
        drop("shoe.json", PipelineTest.job(""));
        awaitFile(completed.resolve("shoe.json"));
        String runpodId = json(completed.resolve("shoe.json")).path("runpodId").asText();
        drop("boot.json", PipelineTest.job(""));
        awaitFile(completed.resolve("boot.json"));

        assertThat(fields("Job shoe: submitting the job to RunPod failed (HTTP 500), attempt 1 of 3"))
                .isEqualTo(Map.of("jobId", "shoe", "source", "inbox"));
        assertThat(fields("Job shoe completed: shoe.png (RunPod job " + runpodId))
                .isEqualTo(Map.of("jobId", "shoe", "source", "inbox", "runpodJobId", runpodId));
        assertThat(fields(inbox.resolve("boot.json") + ": 1 job(s)")).doesNotContainKeys("jobId", "runpodJobId");
        assertThat(fields("Job boot completed: ")).containsEntry("jobId", "boot");
    }

    @Test
    void theCancelOfAJobGivenUpOnCarriesItsFields() throws Exception {
        // RunPod keeps the job running while every poll fails: the job is given up on and its RunPod job cancelled,
        // which is logged on the thread the cancel's answer came back on
        emulator.inject(Operation.RUNSYNC, Fault.jobRunsFor(Duration.ofSeconds(5)));
        for (int i = 0; i < 3; i++) {
            emulator.inject(Operation.STATUS, Fault.httpStatus(503));
        }
        drop("shoe.json", PipelineTest.job(""));
        String runpodId = json(failed.resolve("shoe.error.json")).path("runpodId").asText();

        assertThat(fields("Job shoe: RunPod job " + runpodId + " cancelled, as the job is given up on"))
                .isEqualTo(Map.of("jobId", "shoe", "source", "inbox", "runpodJobId", runpodId));
    }

    /** The job fields of the one line that starts with this text. */
    private Map<String, String> fields(String start) {
        await().atMost(WAIT).until(() -> events.lines.stream()
                .anyMatch(event -> event.getFormattedMessage().startsWith(start)));
        List<ILoggingEvent> found = events.lines.stream()
                .filter(event -> event.getFormattedMessage().startsWith(start)).toList();
        assertThat(found).as(start).hasSize(1);
        Map<String, String> mdc = new HashMap<>(found.get(0).getMDCPropertyMap());
        mdc.keySet().retainAll(List.of("jobId", "source", "runpodJobId"));
        return mdc;
    }

    /** Every event, with the MDC it was logged with. */
    private static final class Events extends AppenderBase<ILoggingEvent> {

        final List<ILoggingEvent> lines = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing();
            lines.add(event);
        }
    }
}
