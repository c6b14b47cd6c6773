package dev.nanobanana.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static dev.nanobanana.emulator.EmulatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With fetch-inputs on, a job whose input image cannot be read fails as it would on RunPod. */
class InputFetchTest {

    private static final byte[] PNG = FixedSizeImage.png(500);

    private HttpServer imageHost;
    private ExecutorService imageHostThreads;
    private final AtomicInteger downloads = new AtomicInteger();
    private final AtomicInteger slowDownloadsWaiting = new AtomicInteger();
    private final CountDownLatch slowHostReleased = new CountDownLatch(1);
    private RunpodEmulator emulator;
    private EmulatorClient client;

    @BeforeEach
    void startImageHost() throws IOException {
        imageHost = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        imageHost.createContext("/cat.png", exchange -> answer(exchange, 200, PNG));
        imageHost.createContext("/missing.png", exchange -> answer(exchange, 404, "no such image".getBytes(StandardCharsets.UTF_8)));
        imageHost.createContext("/page.png", exchange -> answer(exchange, 200, "<html>a page</html>".getBytes(StandardCharsets.UTF_8)));
        imageHost.createContext("/slow.png", exchange -> {
            slowDownloadsWaiting.incrementAndGet();
            try {
                slowHostReleased.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, 200, PNG);
        });
        imageHostThreads = Executors.newCachedThreadPool();
        imageHost.setExecutor(imageHostThreads);
        imageHost.start();
    }

    @AfterEach
    void stop() {
        slowHostReleased.countDown();
        emulator.close();
        imageHost.stop(0);
        imageHostThreads.shutdownNow();
    }

    private void startEmulator(boolean fetchInputs) throws IOException {
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofMillis(20))
                .withRunsyncWait(Duration.ofSeconds(20)).withFetchInputs(fetchInputs));
        client = new EmulatorClient(emulator);
    }

    @Test
    void imagesThatCanBeDownloadedOrDecodedLetTheJobComplete() throws IOException {
        startEmulator(true);

        JsonNode result = runsync(url("/cat.png"), "data:image/png;base64," + Base64.getEncoder().encodeToString(PNG));

        assertThat(result.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(downloads.get()).isEqualTo(1);
    }

    @Test
    void anImageThatIsNotFoundFailsTheJobWithRunpodsNestedError() throws IOException {
        startEmulator(true);

        JsonNode result = runsync(url("/cat.png"), url("/missing.png"));

        assertThat(result.get("status").asText()).isEqualTo("FAILED");
        assertThat(result.get("error").asText()).isEqualTo("Error submitting task: 400, "
                + "{\"code\":400,\"message\":\"Invalid image URL in images array: " + url("/missing.png") + "\"}");
    }

    @Test
    void aPageOrTextThatIsNotAnImageFailsTheJob() throws IOException {
        startEmulator(true);
        String text = "data:image/png;base64," + Base64.getEncoder().encodeToString(
                "not a picture, and long enough that the error shows only its start".getBytes(StandardCharsets.UTF_8));

        assertThat(runsync(url("/page.png")).get("error").asText()).contains(url("/page.png"));
        assertThat(runsync(text).get("error").asText())
                .contains("Invalid image URL in images array: data:image/png;base64,")
                .doesNotContain(text);
    }

    @Test
    void anImageOnAHostThatCannotBeReachedFailsTheJob() throws IOException {
        startEmulator(true);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String unreachable = "http://127.0.0.1:" + closedPort + "/cat.png";

        JsonNode result = runsync(unreachable);

        assertThat(result.get("status").asText()).isEqualTo("FAILED");
        assertThat(result.get("error").asText()).contains("Invalid image URL in images array: " + unreachable);
    }

    @Test
    void slowImageHostsHoldNoRequestThread() throws IOException {
        startEmulator(true);
        int jobs = 40;

        List<String> ids = IntStream.range(0, jobs)
                .mapToObj(i -> json(client.post("/run", EmulatorClient.body("{\"prompt\": \"x\", \"images\": [\"" + url("/slow.png") + "\"]}"))))
                .map(queued -> queued.get("id").asText())
                .toList();

        // every download is under way at once, and the emulator still answers
        await().atMost(Duration.ofSeconds(10)).until(() -> slowDownloadsWaiting.get() == jobs);
        assertThat(json(client.get("/status/" + ids.get(0))).get("status").asText()).isEqualTo("IN_PROGRESS");
        slowHostReleased.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> emulator.stats().jobsCompleted() == jobs);
    }

    @Test
    void inputsAreTakenOnTrustUnlessFetchingIsOn() throws IOException {
        startEmulator(false);

        JsonNode result = runsync(url("/missing.png"));

        assertThat(result.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(downloads.get()).isZero();
    }

    private JsonNode runsync(String... images) {
        String list = String.join("\", \"", images);
        return json(client.post("/runsync", EmulatorClient.body("{\"prompt\": \"x\", \"images\": [\"" + list + "\"]}")));
    }

    private String url(String path) {
        return "http://127.0.0.1:" + imageHost.getAddress().getPort() + path;
    }

    private void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        downloads.incrementAndGet();
        try (exchange; OutputStream out = exchange.getResponseBody()) {
            exchange.sendResponseHeaders(status, body.length);
            out.write(body);
        }
    }
}
