package dev.nanobanana.camel.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.nanobanana.camel.pipeline.PipelineTest;
import dev.nanobanana.camel.testing.PipelineTestSupport;
import dev.nanobanana.camel.testing.RecordingProxy;

/** The proxy refuses the password of nanobanana.http.proxy (HTTP 407): the reason says so, not RunPod's HTTP 407. */
class BatchWithWrongProxyPasswordTest extends PipelineTestSupport {

    RecordingProxy proxy;

    @Override
    protected void setupResources() throws Exception {
        super.setupResources();
        proxy = RecordingProxy.withCredentials("batch-user", "the-right-one");
    }

    @Override
    public Properties settings() {
        Properties settings = super.settings();
        settings.setProperty("nanobanana.http.proxy", "http://batch-user:a-wrong-one@127.0.0.1:" + proxy.port());
        return settings;
    }

    @AfterEach
    void stopProxy() throws Exception {
        proxy.close();
    }

    @Test
    void aJobWhoseProxyRefusesItsPasswordFailsWithAReasonThatSaysWhatToCheck() throws Exception {
        drop("shoe.json", PipelineTest.job(""));

        JsonNode record = json(failed.resolve("shoe.error.json"));
        assertThat(record.get("reason").asText()).isEqualTo("proxy 127.0.0.1:" + proxy.port() + " refused the "
                + "credentials (HTTP 407) (the proxy of nanobanana.http.proxy) while submitting the job to RunPod "
                + "after 3 attempts: check the user and password in nanobanana.http.proxy");
        // the three submits, and the readiness check's calls to /health
        assertThat(proxy.demandedCredentials()).isGreaterThanOrEqualTo(3);
        assertThat(proxy.passed()).isEmpty();
        assertThat(emulator.requests()).isEmpty();
    }
}
