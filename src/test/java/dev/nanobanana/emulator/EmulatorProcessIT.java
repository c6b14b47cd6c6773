package dev.nanobanana.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.nanobanana.emulator.EmulatorClient.decode;
import static dev.nanobanana.emulator.EmulatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The emulator as a process of its own, started from the fat jar as a load test starts it. */
class EmulatorProcessIT {

    static final Path APP_JAR = Path.of(System.getProperty("app.jar", "target/nano-banana-camel-app.jar"));
    static final Pattern STARTED = Pattern.compile("RunPod emulator listening on (\\S+) with API key (\\S+)");

    @TempDir
    Path folder;
    Process emulator;
    Path errors;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void stopTheEmulator() throws InterruptedException {
        if (emulator != null && emulator.isAlive()) {
            emulator.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClientInAnotherProcessRunsAJobAndReadsTheStats() throws Exception {
        Endpoint endpoint = start("--port", "0", "--latency", "200ms", "--image-bytes", "200kB", "--api-key", "load-key");
        assertThat(endpoint.key()).isEqualTo("load-key");

        HttpResponse<String> answer = runsync(endpoint);

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode result = json(answer);
        assertThat(result.get("status").asText()).isEqualTo("COMPLETED");
        byte[] image = http.send(HttpRequest.newBuilder(URI.create(result.at("/output/image_url").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
        assertThat(image.length).isBetween(199_000, 200_000);
        assertThat(decode(image)).isNotNull();
        EmulatorStats stats = stats(endpoint);
        assertThat(stats.requests(Operation.RUNSYNC)).isEqualTo(1);
        assertThat(stats.requests(Operation.IMAGE)).isEqualTo(1);
        assertThat(stats.maxConcurrentJobs()).isEqualTo(1);
        assertThat(stats.jobsCompleted()).isEqualTo(1);
    }

    @Test
    void withHostZeroAClientOnAnotherMachineReachesItAndItsImagesByTheAddressItUsed() throws Exception {
        InetAddress network = networkAddress();
        Endpoint endpoint = start("--host", "0.0.0.0", "--port", "0", "--latency", "100ms");
        String path = URI.create(endpoint.url()).getPath();
        int port = URI.create(endpoint.url()).getPort();
        // as another container or machine reaches it: by this machine's network address, not loopback
        Endpoint fromElsewhere = new Endpoint("http://" + network.getHostAddress() + ":" + port + path, endpoint.key());

        JsonNode result = json(runsync(fromElsewhere));

        assertThat(result.get("status").asText()).isEqualTo("COMPLETED");
        String imageUrl = result.at("/output/image_url").asText();
        assertThat(imageUrl).startsWith("http://" + network.getHostAddress() + ":" + port + "/images/");
        HttpResponse<byte[]> image = http.send(HttpRequest.newBuilder(URI.create(imageUrl)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(decode(image.body())).isNotNull();
    }

    @Test
    void withoutHostItAnswersThisMachineOnly() throws Exception {
        InetAddress network = networkAddress();
        Endpoint endpoint = start("--port", "0");
        int port = URI.create(endpoint.url()).getPort();

        assertThat(runsync(endpoint).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> new Socket(network, port).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void sigtermDropsTheWaitingClientsWithoutTellingThemTheirJobFailed() throws Exception {
        Endpoint endpoint = start("--port", "0", "--latency", "5m");
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiting.add(http.sendAsync(runsyncRequest(endpoint), HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> stats(endpoint).jobsInFlight() == 5);

        emulator.destroy();

        assertThat(emulator.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(waiting).allSatisfy(answer -> assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS))
                .hasRootCauseInstanceOf(IOException.class));
        assertThat(Files.readString(errors)).doesNotContain("FAILED").doesNotContain("Exception");
    }

    @Test
    void aBusyPortIsRefusedWithOneLineThatSaysWhatToDo() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            launch("--port", Integer.toString(busy.getLocalPort()));

            assertThat(emulator.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(emulator.exitValue()).isEqualTo(2);
            assertThat(Files.readString(errors).strip()).startsWith("nano-banana-camel --emulator: cannot listen on port "
                    + busy.getLocalPort()).endsWith("choose another with --port, or --port 0 for a free one");
        }
    }

    private Endpoint start(String... options) throws IOException {
        launch(options);
        BufferedReader out = new BufferedReader(new InputStreamReader(emulator.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("the emulator's first line (errors: %s)", Files.readString(errors)).isNotNull();
        Matcher started = STARTED.matcher(line);
        assertThat(started.matches()).as(line).isTrue();
        return new Endpoint(started.group(1), started.group(2));
    }

    private void launch(String... options) throws IOException {
        assertThat(APP_JAR).as("built by mvn package").exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-jar", APP_JAR.toAbsolutePath().toString(), "--emulator"));
        command.addAll(List.of(options));
        errors = folder.resolve("stderr.log");
        emulator = new ProcessBuilder(command).directory(folder.toFile()).redirectError(errors.toFile()).start();
    }

    private HttpResponse<String> runsync(Endpoint endpoint) throws IOException, InterruptedException {
        return http.send(runsyncRequest(endpoint), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest runsyncRequest(Endpoint endpoint) {
        return HttpRequest.newBuilder(URI.create(endpoint.url() + "/runsync"))
                .header("Authorization", "Bearer " + endpoint.key())
                .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.body(EmulatorClient.input(""))))
                .build();
    }

    private EmulatorStats stats(Endpoint endpoint) throws IOException, InterruptedException {
        URI stats = URI.create(endpoint.url()).resolve("/emulator/stats");
        return EmulatorStats.fromJson(json(http.send(HttpRequest.newBuilder(stats).build(),
                HttpResponse.BodyHandlers.ofString()).body()));
    }

    /** An IPv4 address of this machine that is not loopback: the one other machines would use. */
    private static InetAddress networkAddress() throws SocketException {
        Optional<InetAddress> address = NetworkInterface.networkInterfaces()
                .filter(EmulatorProcessIT::isUp)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(candidate -> candidate instanceof Inet4Address && !candidate.isLoopbackAddress())
                .findFirst();
        assertThat(address).as("a network address of this machine besides loopback").isPresent();
        return address.get();
    }

    private static boolean isUp(NetworkInterface network) {
        try {
            return network.isUp() && !network.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }

    private record Endpoint(String url, String key) {
    }
}
