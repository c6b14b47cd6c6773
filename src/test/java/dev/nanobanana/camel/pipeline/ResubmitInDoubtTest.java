package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;

import org.junit.jupiter.api.Test;

import dev.nanobanana.emulator.Fault;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.camel.testing.PipelineTestSupport;

/** A user who would rather pay twice than lose a job says so, and a submit in doubt is sent again. */
class ResubmitInDoubtTest extends PipelineTestSupport {

    @Override
    public Properties settings() {
        Properties settings = super.settings();
        settings.setProperty("nanobanana.resubmit-in-doubt", "true");
        settings.setProperty("nanobanana.http.read-timeout", "1s");
        return settings;
    }

    @Test
    void connectionLostAfterTheSubmitLeftIsSubmittedAgainWhenAskedFor() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.dropConnection());
        drop("shoe.json", PipelineTest.job(""));

        assertThat(json(completed.resolve("shoe.json")).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(2);
    }

    @Test
    void submitAnswerThatStoppedHalfWayIsSubmittedAgainWhenAskedFor() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.stallMidBody());
        drop("shoe.json", PipelineTest.job(""));

        assertThat(json(completed.resolve("shoe.json")).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(2);
    }
}
