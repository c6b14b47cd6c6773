package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Fault;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.camel.testing.PipelineTestSupport;

/** A submit that got no answer in time may be running at RunPod already: it is never sent twice. */
class SubmitTimeoutTest extends PipelineTestSupport {

    @Override
    public EmulatorSettings emulatorSettings() {
        return super.emulatorSettings().withRunsyncWait(Duration.ofSeconds(5));
    }

    @Override
    public Properties settings() {
        Properties settings = super.settings();
        settings.setProperty("nanobanana.http.read-timeout", "1s");
        return settings;
    }

    @Test
    void submitWithoutAnAnswerInTimeIsRecordedAndNotSentAgain() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.jobRunsFor(Duration.ofSeconds(3)));
        drop("shoe.json", PipelineTest.job(""));

        JsonNode record = json(failed.resolve("shoe.error.json"));
        assertThat(record.get("reason").asText())
                .startsWith("no answer in time while submitting the job to RunPod")
                .contains("not submitted again, because RunPod may be running it already");
        assertThat(record.get("attempts").asInt()).isEqualTo(1);
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }
}
