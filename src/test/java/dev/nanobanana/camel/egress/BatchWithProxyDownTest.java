package dev.nanobanana.camel.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.Properties;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.nanobanana.camel.pipeline.PipelineTest;
import dev.nanobanana.camel.testing.LogCapture;
import dev.nanobanana.camel.testing.PipelineTestSupport;
import dev.nanobanana.camel.testing.RecordingProxy;

/** The company's proxy is down: the job's reason names the proxy, not RunPod, and nothing reached RunPod. */
class BatchWithProxyDownTest extends PipelineTestSupport {

    @RegisterExtension
    final LogCapture log = new LogCapture(Level.INFO);
    int deadProxyPort;

    @Override
    protected void setupResources() throws Exception {
        super.setupResources();
        try (RecordingProxy proxy = RecordingProxy.open()) {
            deadProxyPort = proxy.port();
        }
    }

    @Override
    public Properties settings() {
        Properties settings = super.settings();
        settings.setProperty("nanobanana.http.proxy", "http://127.0.0.1:" + deadProxyPort);
        return settings;
    }

    @Test
    void aJobWhoseProxyIsDownFailsWithAReasonThatNamesTheProxy() throws Exception {
        drop("shoe.json", PipelineTest.job(""));

        JsonNode record = json(failed.resolve("shoe.error.json"));
        assertThat(record.get("reason").asText()).isEqualTo("proxy 127.0.0.1:" + deadProxyPort + " refused the "
                + "connection (the proxy of nanobanana.http.proxy) while submitting the job to RunPod after 3 "
                + "attempts: check nanobanana.http.proxy and that the proxy runs");
        // nothing left this machine, so the submit was tried again, as any connection refused is
        assertThat(record.get("attempts").asInt()).isEqualTo(3);
        assertThat(processed(".failed", "shoe.json")).exists();
        assertThat(emulator.requests()).isEmpty();
        // and readiness says the same
        await().atMost(WAIT).untilAsserted(() -> assertThat(log.lines(Level.WARN)).anySatisfy(line -> assertThat(line)
                .contains("Not ready: RunPod cannot be reached at " + emulator.endpointUrl() + ": proxy 127.0.0.1:"
                          + deadProxyPort + " refused the connection (the proxy of nanobanana.http.proxy): check "
                          + "nanobanana.http.proxy and that the proxy runs")));
    }
}
