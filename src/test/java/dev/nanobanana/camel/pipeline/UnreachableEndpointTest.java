package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import dev.nanobanana.camel.testing.PipelineTestSupport;

/** An endpoint nobody answers at: the record says what to check, after the retries. */
class UnreachableEndpointTest extends PipelineTestSupport {

    @Override
    public Properties settings() {
        Properties settings = super.settings();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        settings.setProperty("nanobanana.endpoint-url", "http://127.0.0.1:" + closedPort + "/v2/nano");
        return settings;
    }

    @Test
    void refusedConnectionIsRetriedThenRecordedWithWhatToCheck() throws Exception {
        drop("shoe.json", PipelineTest.job(""));

        JsonNode record = json(failed.resolve("shoe.error.json"));
        assertThat(record.get("reason").asText())
                .startsWith("the connection was refused while submitting the job to RunPod after 3 attempts")
                .contains("nanobanana.endpoint-url");
        assertThat(record.get("attempts").asInt()).isEqualTo(3);
        processed(".failed", "shoe.json");
    }
}
