package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import dev.nanobanana.emulator.Fault;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RecordedRequest;
import dev.nanobanana.camel.testing.PipelineTestSupport;

class ConcurrencyTest extends PipelineTestSupport {

    @Override
    public Properties settings() {
        Properties settings = super.settings();
        settings.setProperty("nanobanana.concurrency", "2");
        return settings;
    }

    @Test
    void noMoreJobsAreInFlightThanConfigured() throws Exception {
        for (int i = 0; i < 4; i++) {
            emulator.inject(Operation.RUNSYNC, Fault.jobRunsFor(Duration.ofMillis(1500)));
        }
        drop("four.yaml", """
                jobs:
                  - {prompt: one, images: [https://images.test/a.png]}
                  - {prompt: two, images: [https://images.test/a.png]}
                  - {prompt: three, images: [https://images.test/a.png]}
                  - {prompt: four, images: [https://images.test/a.png]}
                """);

        processed(".done", "four.yaml");
        List<RecordedRequest> submits = emulator.requests(Operation.RUNSYNC);
        assertThat(submits).hasSize(4);
        // the first two run together; the third starts only once one of them has finished
        assertThat(Duration.between(submits.get(0).at(), submits.get(1).at())).isLessThan(Duration.ofMillis(500));
        assertThat(Duration.between(submits.get(0).at(), submits.get(2).at()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(1400));
        // counted where it matters: never more than two jobs at RunPod at once
        assertThat(emulator.maxConcurrentJobs()).isEqualTo(2);
    }
}
