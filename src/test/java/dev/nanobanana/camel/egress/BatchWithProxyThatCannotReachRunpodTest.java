package dev.nanobanana.camel.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.nanobanana.camel.pipeline.PipelineTest;
import dev.nanobanana.camel.testing.PipelineTestSupport;
import dev.nanobanana.camel.testing.RecordingProxy;

/**
 * The company's proxy runs but cannot reach RunPod: it answers 502 to the CONNECT of RunPod's https URL. Nothing reached
 * RunPod, so the submit is tried again as a refused connection is, and the job is never taken for one RunPod may have
 * charged (which would end it in doubt after one attempt, never to be sent again).
 */
class BatchWithProxyThatCannotReachRunpodTest extends PipelineTestSupport {

    RecordingProxy proxy;
    int closedPort;

    @Override
    protected void setupResources() throws Exception {
        super.setupResources();
        proxy = RecordingProxy.open();
        try (ServerSocket nothing = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = nothing.getLocalPort();
        }
    }

    @Override
    public Properties settings() {
        Properties settings = super.settings();
        settings.setProperty("nanobanana.http.proxy", proxy.url());
        settings.setProperty("nanobanana.endpoint-url", "https://127.0.0.1:" + closedPort
                + "/v2/google-nano-banana-2-edit");
        return settings;
    }

    @AfterEach
    void stopProxy() throws Exception {
        proxy.close();
    }

    @Test
    void aSubmitWhoseProxyCannotReachRunpodIsTriedAgainAndItsReasonNamesTheProxy() throws Exception {
        drop("shoe.json", PipelineTest.job(""));

        JsonNode record = json(failed.resolve("shoe.error.json"));
        String runpod = "127.0.0.1:" + closedPort;
        assertThat(record.get("reason").asText()).isEqualTo("proxy 127.0.0.1:" + proxy.port() + " did not open a "
                + "tunnel to " + runpod + " (HTTP 502) (the proxy of nanobanana.http.proxy) while submitting the job "
                + "to RunPod after 3 attempts: check that the proxy may reach " + runpod + ", and its own log");
        assertThat(record.get("attempts").asInt()).isEqualTo(3);
        assertThat(proxy.passed()).as("calls the proxy let through").isEmpty();
        assertThat(processed(".failed", "shoe.json")).exists();
    }
}
