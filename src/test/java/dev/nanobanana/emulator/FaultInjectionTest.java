package dev.nanobanana.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static dev.nanobanana.emulator.EmulatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** One-shot faults let a client's every error path be driven against real HTTP. */
class FaultInjectionTest {

    /** Long enough for a 20 ms job to complete inside it on a loaded machine; the jobs meant to outlast it run longer. */
    private static final Duration RUNSYNC_WAIT = Duration.ofSeconds(3);

    private RunpodEmulator emulator;
    private EmulatorClient client;

    @BeforeEach
    void start() throws IOException {
        emulator = RunpodEmulator.start(EmulatorSettings.defaults()
                .withLatency(Duration.ofMillis(20))
                .withRunsyncWait(RUNSYNC_WAIT));
        client = new EmulatorClient(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void rateLimitWithRetryAfterIsAnsweredOnceThenRunsyncWorks() {
        emulator.inject(Operation.RUNSYNC, Fault.httpStatus(429, Duration.ofMillis(1500)));

        HttpResponse<String> limited = client.runsync("");
        HttpResponse<String> retried = client.runsync("");

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(json(limited).has("error")).isTrue();
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(json(retried).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(json(client.get("/health")).at("/jobs/completed").asInt()).isEqualTo(1);
    }

    @Test
    void faultsOfOneOperationAreUsedInTheOrderInjected() {
        emulator.inject(Operation.RUNSYNC, Fault.httpStatus(503));
        emulator.inject(Operation.RUNSYNC, Fault.httpStatus(500));

        assertThat(client.get("/health").statusCode()).isEqualTo(200);
        assertThat(client.runsync("").statusCode()).isEqualTo(503);
        assertThat(client.runsync("").statusCode()).isEqualTo(500);
        assertThat(client.runsync("").statusCode()).isEqualTo(200);
    }

    @Test
    void droppedConnectionGivesTheClientAnIoExceptionAndNoAnswer() {
        String id = json(client.runsync("")).get("id").asText();
        // java.net.http retries a GET once when the connection closes before any answer, so drop both tries
        emulator.inject(Operation.STATUS, Fault.dropConnection());
        emulator.inject(Operation.STATUS, Fault.dropConnection());

        assertThatThrownBy(() -> client.sendOrThrow(client.withKey("/status/" + id).GET()))
                .isInstanceOf(IOException.class);
        assertThat(emulator.requests(Operation.STATUS)).hasSize(2);
        assertThat(json(client.get("/status/" + id)).get("status").asText()).isEqualTo("COMPLETED");
    }

    @Test
    void oneDroppedGetIsHiddenByTheJdkClientsSingleRetry() {
        emulator.inject(Operation.HEALTH, Fault.dropConnection());

        assertThat(client.get("/health").statusCode()).isEqualTo(200);
        assertThat(emulator.requests(Operation.HEALTH)).hasSize(2);
    }

    @Test
    void droppedRunsyncCreatesNoJob() {
        emulator.inject(Operation.RUNSYNC, Fault.dropConnection());
        HttpRequest.Builder request = client.withKey("/runsync")
                .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.body(EmulatorClient.input(""))));

        assertThatThrownBy(() -> client.sendOrThrow(request)).isInstanceOf(IOException.class);
        assertThat(json(client.get("/health")).at("/jobs/completed").asInt()).isZero();
    }

    @Test
    void notJsonAnswersAnHtmlPageWithStatus200() {
        emulator.inject(Operation.RUNSYNC, Fault.notJson());

        HttpResponse<String> response = client.runsync("");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(response.body()).startsWith("<html>");
    }

    @Test
    void stalledRunsyncRunsItsJobButSendsHalfTheAnswerAndThenNothing() throws IOException {
        emulator.inject(Operation.RUNSYNC, Fault.stallMidBody());
        byte[] request = EmulatorClient.body(EmulatorClient.input("")).getBytes(StandardCharsets.UTF_8);

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), emulator.port())) {
            socket.getOutputStream().write(("POST " + URI.create(emulator.endpointUrl()).getPath() + "/runsync HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nAuthorization: Bearer " + emulator.apiKey() + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + request.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(request);
            socket.setSoTimeout(3000);
            InputStream in = socket.getInputStream();
            String head = head(in);
            int length = Integer.parseInt(head.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
            byte[] half = in.readNBytes(length / 2);

            assertThat(head).startsWith("HTTP/1.1 200");
            assertThat(new String(half, StandardCharsets.UTF_8)).startsWith("{");
            // nothing more comes, and the connection stays open
            assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
        }
        assertThat(json(client.get("/health")).at("/jobs/completed").asInt()).isEqualTo(1);
        assertThat(client.runsync("").statusCode()).isEqualTo(200);
    }

    private static String head(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection closed after: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Test
    void jobFailsEndsThatJobFailedWithHttp200AndNoCost() {
        emulator.inject(Operation.RUNSYNC, Fault.jobFails("Invalid image URL in images array"));

        HttpResponse<String> response = client.runsync("");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode result = json(response);
        assertThat(result.get("status").asText()).isEqualTo("FAILED");
        assertThat(result.get("error").asText()).isEqualTo("Invalid image URL in images array");
        assertThat(result.has("output")).isFalse();
        assertThat(json(client.runsync("")).get("status").asText()).isEqualTo("COMPLETED");
    }

    @Test
    void jobFailsWithAStatusAnswersRunsyncWithIt() {
        emulator.inject(Operation.RUNSYNC, Fault.jobFails(400, "Prompt was blocked"));

        HttpResponse<String> response = client.runsync("");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("status").asText()).isEqualTo("FAILED");
        assertThat(json(response).get("error").asText()).isEqualTo("Prompt was blocked");
    }

    @Test
    void jobFaultWaitsForARequestThatCreatesAJob() {
        emulator.inject(Operation.RUNSYNC, Fault.jobFails("boom"));

        assertThat(client.post("/runsync", "not json").statusCode()).isEqualTo(400);
        assertThat(json(client.runsync("")).get("error").asText()).isEqualTo("boom");
    }

    @Test
    void jobRunsForKeepsTheJobInProgressPastTheRunsyncWindow() {
        emulator.inject(Operation.RUNSYNC, Fault.jobRunsFor(Duration.ofMinutes(30)));

        JsonNode result = json(client.runsync(""));

        assertThat(result.get("status").asText()).isEqualTo("IN_PROGRESS");
        assertThat(json(client.get("/status/" + result.get("id").asText())).get("status").asText()).isEqualTo("IN_PROGRESS");
    }

    @Test
    void jobTimesOutEndsThatJobTimedOutWithItsTimingsAndNoOutput() {
        emulator.inject(Operation.RUNSYNC, Fault.jobTimesOut(Duration.ofMillis(50)));

        HttpResponse<String> response = client.runsync("");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode result = json(response);
        assertThat(result.get("status").asText()).isEqualTo("TIMED_OUT");
        assertThat(result.get("executionTime").asLong()).isGreaterThanOrEqualTo(50);
        assertThat(result.has("delayTime")).isTrue();
        assertThat(result.has("output")).isFalse();
        assertThat(result.has("error")).isFalse();
        assertThat(emulator.stats().jobsTimedOut()).isEqualTo(1);
        assertThat(json(client.send(HttpRequest.newBuilder(URI.create(emulator.statsUrl())).GET()))
                .get("jobsTimedOut").asLong()).isEqualTo(1);
    }

    @Test
    void aJobThatTimesOutAfterTheRunsyncWindowIsTimedOutWhenPolled() {
        emulator.inject(Operation.RUNSYNC, Fault.jobTimesOut(RUNSYNC_WAIT.plusSeconds(1)));

        JsonNode answer = json(client.runsync(""));
        assertThat(answer.get("status").asText()).isEqualTo("IN_PROGRESS");

        String status = "/status/" + answer.get("id").asText();
        await().atMost(Duration.ofSeconds(15))
                .until(() -> json(client.get(status)).get("status").asText(), "TIMED_OUT"::equals);
    }

    @Test
    void runCanBeGivenAJobFaultToo() throws InterruptedException {
        emulator.inject(Operation.RUN, Fault.jobFails("Internal worker error"));
        String id = json(client.post("/run", EmulatorClient.body(EmulatorClient.input("")))).get("id").asText();

        Thread.sleep(200);

        JsonNode status = json(client.get("/status/" + id));
        assertThat(status.get("status").asText()).isEqualTo("FAILED");
        assertThat(status.get("error").asText()).isEqualTo("Internal worker error");
    }

    @Test
    void imageDownloadCanFailOnceOrDrop() {
        String url = json(client.runsync("")).at("/output/image_url").asText();
        emulator.inject(Operation.IMAGE, Fault.httpStatus(404));

        assertThat(client.download(url).statusCode()).isEqualTo(404);
        assertThat(client.download(url).statusCode()).isEqualTo(200);

        emulator.inject(Operation.IMAGE, Fault.dropConnection());
        emulator.inject(Operation.IMAGE, Fault.dropConnection());
        assertThatThrownBy(() -> client.download(url)).hasCauseInstanceOf(IOException.class);
    }

    @Test
    void faultsThatShapeAJobApplyOnlyWhereJobsAreCreated() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> emulator.inject(Operation.STATUS, Fault.jobFails("x")))
                .withMessageContaining("RUNSYNC and RUN only");
        assertThatIllegalArgumentException().isThrownBy(() -> Fault.httpStatus(200));
    }
}
