package dev.nanobanana.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static dev.nanobanana.emulator.EmulatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The asynchronous API around runsync: run, status, cancel and health, and the key they all need. */
class JobLifecycleTest {

    private RunpodEmulator emulator;
    private EmulatorClient client;

    @BeforeEach
    void start() throws IOException {
        emulator = RunpodEmulator.start(EmulatorSettings.defaults()
                .withApiKey("secret-key")
                .withLatency(Duration.ofMillis(300))
                .withRunsyncWait(Duration.ofSeconds(5)));
        client = new EmulatorClient(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void endpointUrlIsTheBaseOfTheOperations() {
        assertThat(emulator.endpointUrl()).isEqualTo("http://127.0.0.1:" + emulator.port() + "/v2/google-nano-banana-2-edit");
        assertThat(emulator.apiKey()).isEqualTo("secret-key");
    }

    @Test
    void runAnswersInQueueAtOnceAndStatusReachesCompleted() {
        HttpResponse<String> response = client.post("/run", EmulatorClient.body(EmulatorClient.input("\"resolution\": \"4k\"")));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode queued = json(response);
        assertThat(queued.get("status").asText()).isEqualTo("IN_QUEUE");
        String id = queued.get("id").asText();
        assertThat(id).matches("[0-9a-f-]{36}");

        // a 4k image is rendered and encoded in the job: seconds on a loaded machine
        await().atMost(Duration.ofSeconds(30)).until(() -> json(client.get("/status/" + id)).get("status").asText().equals("COMPLETED"));
        JsonNode completed = json(client.get("/status/" + id));
        assertThat(completed.at("/output/cost").asDouble()).isEqualTo(0.175);
        assertThat(completed.get("executionTime").asLong()).isGreaterThanOrEqualTo(300);
    }

    @Test
    void cancelMakesARunningJobCancelledForGood() throws InterruptedException {
        emulator.inject(Operation.RUN, Fault.jobRunsFor(Duration.ofMillis(400)));
        String id = json(client.post("/run", EmulatorClient.body(EmulatorClient.input("")))).get("id").asText();

        HttpResponse<String> cancel = client.post("/cancel/" + id, "");

        assertThat(cancel.statusCode()).isEqualTo(200);
        assertThat(json(cancel).get("status").asText()).isEqualTo("CANCELLED");
        Thread.sleep(500);
        JsonNode status = json(client.get("/status/" + id));
        assertThat(status.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(status.has("output")).isFalse();
        assertThat(client.download("http://127.0.0.1:" + emulator.port() + "/images/" + id + ".png").statusCode()).isEqualTo(404);
    }

    @Test
    void cancelLeavesAnEndedJobAsItIs() {
        String id = json(client.runsync("")).get("id").asText();

        JsonNode cancel = json(client.post("/cancel/" + id, ""));

        assertThat(cancel.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(json(client.get("/status/" + id)).get("status").asText()).isEqualTo("COMPLETED");
    }

    @Test
    void unknownJobIsNotFound() {
        HttpResponse<String> status = client.get("/status/no-such-job");
        HttpResponse<String> cancel = client.post("/cancel/no-such-job", "");

        assertThat(status.statusCode()).isEqualTo(404);
        assertThat(json(status).get("error").asText()).contains("no-such-job");
        assertThat(cancel.statusCode()).isEqualTo(404);
    }

    @Test
    void healthCountsJobsByState() {
        client.runsync("");
        client.post("/runsync", EmulatorClient.body("{\"prompt\": \"x\", \"images\": [\"https://bad.invalid/a.png\"]}"));
        emulator.inject(Operation.RUN, Fault.jobRunsFor(Duration.ofSeconds(30)));
        client.post("/run", EmulatorClient.body(EmulatorClient.input("")));

        JsonNode health = json(client.get("/health"));

        assertThat(health.get("jobs").get("completed").asInt()).isEqualTo(1);
        assertThat(health.get("jobs").get("failed").asInt()).isEqualTo(1);
        assertThat(health.get("jobs").get("inProgress").asInt()).isEqualTo(1);
        assertThat(health.get("jobs").get("inQueue").asInt()).isZero();
        assertThat(health.get("jobs").get("retried").asInt()).isZero();
        assertThat(health.get("workers").get("running").asInt()).isEqualTo(1);
        assertThat(health.get("workers").get("idle").asInt()).isZero();
    }

    @Test
    void missingKeyIsUnauthorized() {
        HttpResponse<String> response = client.send(client.request("/health").GET());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(json(response).get("error").asText()).contains("Authorization");
    }

    @Test
    void wrongKeyIsUnauthorizedWithoutEchoingTheKey() {
        HttpRequest.Builder request = client.request("/runsync")
                .header("Authorization", "Bearer wrong-key-123")
                .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.body(EmulatorClient.input(""))));

        HttpResponse<String> response = client.send(request);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(json(response).get("error").asText()).isEqualTo("Invalid API key");
        assertThat(response.body()).doesNotContain("wrong-key-123").doesNotContain("secret-key");
        assertThat(emulator.requests(Operation.RUNSYNC)).singleElement()
                .satisfies(recorded -> assertThat(recorded.authorized()).isFalse());
        assertThat(json(client.get("/health")).at("/jobs/completed").asInt()).isZero();
    }

    @Test
    void imagesNeedNoKey() {
        String url = json(client.runsync("")).at("/output/image_url").asText();

        assertThat(client.download(url).statusCode()).isEqualTo(200);
    }

    @Test
    void everyRequestIsRecordedInOrder() {
        client.runsync("");
        client.get("/health");

        assertThat(emulator.requests()).extracting(RecordedRequest::operation).containsExactly(Operation.RUNSYNC, Operation.HEALTH);
        RecordedRequest runsync = emulator.requests(Operation.RUNSYNC).get(0);
        assertThat(runsync.method()).isEqualTo("POST");
        assertThat(runsync.path()).isEqualTo("/v2/google-nano-banana-2-edit/runsync");
        assertThat(runsync.authorized()).isTrue();
        assertThat(runsync.body()).contains(EmulatorClient.PROMPT);
    }

    @Test
    void unknownPathsAndWrongMethodsAreTurnedAway() {
        assertThat(client.get("/nothing-here").statusCode()).isEqualTo(404);
        HttpResponse<String> wrongMethod = client.get("/runsync");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
    }
}
