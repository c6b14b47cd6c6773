package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;

import org.junit.jupiter.api.Test;

import dev.nanobanana.emulator.Operation;
import dev.nanobanana.camel.testing.PipelineTestSupport;

/**
 * With {@code nanobanana.dry-run=true} the standalone runtime starts no route at all; should the pipeline run all the
 * same (routes embedded in another application), its submit step sends nothing.
 */
class DryRunGuardTest extends PipelineTestSupport {

    @Override
    public Properties settings() {
        Properties p = super.settings();
        p.setProperty("nanobanana.dry-run", "true");
        return p;
    }

    @Test
    void aJobThatReachesTheSubmitStepInADryRunIsNotSent() throws Exception {
        drop("shoe.json", PipelineTest.job(""));

        assertThat(json(failed.resolve("shoe.error.json")).get("reason").asText())
                .contains("nanobanana.dry-run is true: nothing is sent to RunPod");
        assertThat(emulator.requests()).filteredOn(request -> request.operation() != Operation.HEALTH).isEmpty();
    }
}
