package dev.nanobanana.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.nanobanana.emulator.EmulatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/** A test or a load test in another process reads what the emulator saw: requests per operation and jobs at once. */
class EmulatorStatsTest {

    private RunpodEmulator emulator;
    private EmulatorClient client;

    @BeforeEach
    void start() throws IOException {
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofMinutes(5)));
        client = new EmulatorClient(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void statsCountRequestsAndJobsInFlightAndAreServedWithoutAKey() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(json(client.post("/run", EmulatorClient.body(EmulatorClient.input("")))).get("id").asText());
        }
        client.get("/status/" + ids.get(0));

        JsonNode running = stats();
        assertThat(running.at("/requests/run").asLong()).isEqualTo(5);
        assertThat(running.at("/requests/status").asLong()).isEqualTo(1);
        assertThat(running.at("/requests/runsync").asLong()).isZero();
        assertThat(running.get("jobsInFlight").asInt()).isEqualTo(5);
        assertThat(running.get("maxConcurrentJobs").asInt()).isEqualTo(5);

        ids.forEach(id -> client.post("/cancel/" + id, ""));

        JsonNode cancelled = stats();
        assertThat(cancelled.get("jobsInFlight").asInt()).isZero();
        assertThat(cancelled.get("maxConcurrentJobs").asInt()).isEqualTo(5);
        assertThat(cancelled.get("jobsCancelled").asLong()).isEqualTo(5);
        assertThat(EmulatorStats.fromJson(cancelled)).isEqualTo(emulator.stats());
        assertThat(emulator.maxConcurrentJobs()).isEqualTo(5);
    }

    @Test
    void requestsTurnedAwayAreCountedButMakeNoJob() {
        client.send(client.request("/runsync").POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.body(EmulatorClient.input("")))));
        client.post("/runsync", "not json");

        EmulatorStats stats = emulator.stats();
        assertThat(stats.requests(Operation.RUNSYNC)).isEqualTo(2);
        assertThat(stats.maxConcurrentJobs()).isZero();
        assertThat(stats.jobsFailed()).isZero();
    }

    @Test
    void onlyTheLatestRequestsAreKeptInFullButAllAreCounted() throws IOException {
        try (RunpodEmulator forgetful = RunpodEmulator.start(EmulatorSettings.defaults().withRecordedRequests(2))) {
            EmulatorClient forgetfulClient = new EmulatorClient(forgetful);
            forgetfulClient.get("/health");
            forgetfulClient.get("/status/one");
            forgetfulClient.get("/status/two");

            assertThat(forgetful.requests()).extracting(RecordedRequest::path)
                    .containsExactly("/v2/google-nano-banana-2-edit/status/one", "/v2/google-nano-banana-2-edit/status/two");
            assertThat(forgetful.stats().requests(Operation.HEALTH)).isEqualTo(1);
            assertThat(forgetful.stats().requests(Operation.STATUS)).isEqualTo(2);
        }
    }

    @Test
    void statsAreReadOnly() {
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(emulator.statsUrl()))
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET");
    }

    private JsonNode stats() {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(emulator.statsUrl())).GET());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        return json(response);
    }
}
