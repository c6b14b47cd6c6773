package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.nanobanana.emulator.Fault;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.camel.testing.PipelineTestSupport;

class PollDeadlineTest extends PipelineTestSupport {

    @Override
    public Properties settings() {
        Properties settings = super.settings();
        settings.setProperty("nanobanana.poll.deadline", "2s");
        return settings;
    }

    @Test
    void jobPastThePollDeadlineIsCancelledAndRecordedAsFailed() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.jobRunsFor(Duration.ofHours(1)));
        drop("slow.json", PipelineTest.job(""));

        JsonNode record = json(failed.resolve("slow.error.json"));
        String runpodId = record.get("runpodId").asText();
        assertThat(record.get("reason").asText()).isEqualTo("RunPod job " + runpodId
                + " did not finish within 2 s (nanobanana.poll.deadline) and was cancelled; it is CANCELLED now");
        assertThat(record.get("runpodStatus").asText()).isEqualTo("CANCELLED");
        assertThat(emulator.requests(Operation.CANCEL)).singleElement()
                .satisfies(cancel -> assertThat(cancel.path()).endsWith("/cancel/" + runpodId));
        assertThat(emulator.requests(Operation.STATUS)).hasSizeGreaterThan(2);
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
        assertThat(processed(".failed", "slow.json")).exists();
    }
}
