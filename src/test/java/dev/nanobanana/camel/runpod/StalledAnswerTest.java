package dev.nanobanana.camel.runpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.camel.testing.StallingServer;

/**
 * Java's HTTP client bounds only the wait for an answer's headers: a body that stops arriving half-way must end the
 * call within the read timeout, and close the connection, while a slow body that keeps arriving must not.
 */
class StalledAnswerTest {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
    /** Far longer than the read timeout: a call still waiting then would wait for ever. */
    private static final long GIVE_UP_SECONDS = 20;

    @TempDir
    Path spool;
    private StallingServer server;
    private RunpodClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void imageThatStopsArrivingHalfWayFailsWithinTheReadTimeoutAndItsConnectionIsClosed() throws Exception {
        server = StallingServer.stallingAfter(4_000, new byte[40_000], "image/png");
        client = client("http://127.0.0.1:1/unused");
        Path target = spool.resolve(".incoming-1");

        long start = System.nanoTime();
        Throwable failure = failureOf(client.download(server.url("/images/a.png?X-Amz-Signature=s3cr3t"), target));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(READ_TIMEOUT);
        assertThat(failure).isInstanceOf(BodyStalledException.class)
                .hasMessage("no data for 1s while reading the image from " + server.url("/images/a.png"));
        assertThat(failure.getMessage()).doesNotContain("s3cr3t");
        await().atMost(Duration.ofSeconds(GIVE_UP_SECONDS)).until(() -> server.closedByClient() == 1);
    }

    @Test
    void answerThatStopsArrivingHalfWayFailsAndLeavesNoSpilledFile() throws Exception {
        // larger than what is kept in memory, so that the part that arrived went to a file in the spool
        byte[] answer = new byte[3 * RunpodClient.ANSWER_MEMORY_LIMIT];
        Arrays.fill(answer, (byte) 'a');
        server = StallingServer.stallingAfter(2 * RunpodClient.ANSWER_MEMORY_LIMIT, answer, "application/json");
        client = client(server.url("/v2/endpoint"));

        Throwable failure = failureOf(client.call("GET", "/status/job-1", null));

        assertThat(failure).isInstanceOf(BodyStalledException.class)
                .hasMessage("no data for 1s while reading the answer from " + server.url("/v2/endpoint/status/job-1"));
        await().atMost(Duration.ofSeconds(GIVE_UP_SECONDS)).until(() -> server.closedByClient() == 1);
        try (var files = Files.list(spool)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void slowImageThatKeepsArrivingIsNotCutOff() throws Exception {
        byte[] image = "a slow image, but one whose bytes keep coming".repeat(200).getBytes(StandardCharsets.UTF_8);
        // 3 s in all, never more than 0.3 s without a byte: three times the read timeout, and fine
        server = StallingServer.steady(image, 10, Duration.ofMillis(300), "image/png");
        client = client("http://127.0.0.1:1/unused");
        Path target = spool.resolve(".incoming-2");

        HttpResponse<Path> response = client.download(server.url("/images/slow.png"), target)
                .get(GIVE_UP_SECONDS, TimeUnit.SECONDS);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Files.readAllBytes(target)).isEqualTo(image);
        assertThat(server.closedByClient()).isZero();
    }

    private RunpodClient client(String endpointUrl) {
        return new RunpodClient(endpointUrl, "test-key", Duration.ofSeconds(5), READ_TIMEOUT, spool);
    }

    private static Throwable failureOf(CompletableFuture<?> call) throws Exception {
        try {
            call.get(GIVE_UP_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the call succeeded");
    }
}
