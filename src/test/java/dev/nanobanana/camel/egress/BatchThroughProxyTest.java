package dev.nanobanana.camel.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.nanobanana.camel.pipeline.PipelineTest;
import dev.nanobanana.camel.testing.PipelineTestSupport;
import dev.nanobanana.camel.testing.RecordingProxy;
import dev.nanobanana.emulator.Operation;

/** A company whose outbound traffic must pass its proxy: nanobanana.http.proxy sends every call of a batch there. */
class BatchThroughProxyTest extends PipelineTestSupport {

    RecordingProxy proxy;

    @Override
    protected void setupResources() throws Exception {
        super.setupResources();
        proxy = RecordingProxy.open();
    }

    @Override
    public Properties settings() {
        Properties settings = super.settings();
        settings.setProperty("nanobanana.http.proxy", proxy.url());
        // submit, then poll: every kind of call the pipeline makes
        settings.setProperty("nanobanana.submit-mode", "run");
        return settings;
    }

    @AfterEach
    void stopProxy() throws Exception {
        proxy.close();
    }

    @Test
    void everyCallOfABatchGoesThroughTheProxyAndTheJobsComplete() throws Exception {
        drop("shoe.json", PipelineTest.job(""));
        drop("boot.json", PipelineTest.job(""));

        JsonNode shoe = json(completed.resolve("shoe.json"));
        json(completed.resolve("boot.json"));
        assertThat(shoe.get("status").asText()).isEqualTo("COMPLETED");
        processed(".done", "shoe.json");
        processed(".done", "boot.json");

        String emulatorAddress = "127.0.0.1:" + emulator.port();
        assertThat(emulator.requests(Operation.RUN)).hasSize(2);
        assertThat(emulator.requests(Operation.STATUS)).isNotEmpty();
        assertThat(emulator.requests(Operation.IMAGE)).hasSize(2);
        // the emulator answered nothing that did not come through the proxy
        assertThat(proxy.passed()).hasSameSizeAs(emulator.requests())
                .contains("POST " + emulatorAddress, "GET " + emulatorAddress)
                .allSatisfy(call -> assertThat(call).endsWith(" " + emulatorAddress));
    }
}
