package dev.nanobanana.camel.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.imageio.ImageIO;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.spi.IdempotentRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.nanobanana.emulator.Fault;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.camel.s3.NanoBananaS3Routes;
import dev.nanobanana.camel.s3.S3Clients;
import dev.nanobanana.camel.testing.SilencingRelay;
import dev.nanobanana.camel.pipeline.PipelineTest;
import dev.nanobanana.camel.testing.RemoteSourcesTestSupport;
import dev.nanobanana.camel.testing.LogCapture;
import dev.nanobanana.camel.settings.NanoBananaSettings;

/** A partner's SFTP server: job files from its inbox, results back to it; or to S3, by editing a route file. */
class SftpSourceTest extends RemoteSourcesTestSupport {

    @RegisterExtension
    final LogCapture logs = new LogCapture(Level.INFO);

    Path remote(String path) {
        return sftpRoot.resolve(path);
    }

    @Test
    void jobFileOnTheServerEndsAsImageAndRecordThereAndMovesToDone() throws Exception {
        loadRoutes("sftp.camel.yaml", routeFile("sftp.camel.yaml"));
        upload("shoe.json", PipelineTest.job(""));

        JsonNode record = json(remote("out/completed/shoe.json"));
        assertThat(record.get("sourceFile").asText()).isEqualTo("sftp://127.0.0.1/inbox/shoe.json");
        assertThat(ImageIO.read(remote("out/completed/shoe.png").toFile()).getWidth()).isEqualTo(1024);
        awaitFile(remote("inbox/.done/shoe.json"));

        emulator.inject(Operation.RUNSYNC, Fault.jobFails("bad input"));
        upload("bad.json", PipelineTest.job(""));
        assertThat(json(remote("out/failed/bad.error.json")).get("reason").asText()).contains("bad input");
        awaitFile(remote("inbox/.failed/bad.json"));
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(2);
    }

    @Test
    void jobsFromSftpWithResultsToS3ByEditingTheRouteFileOnly() throws Exception {
        String edited = routeFile("sftp.camel.yaml")
                .replace("constant: direct:sftp-completed", "constant: direct:s3-completed")
                .replace("constant: direct:sftp-failed", "constant: direct:s3-failed");
        assertThat(edited).isNotEqualTo(routeFile("sftp.camel.yaml"));
        loadRoutes("sftp.camel.yaml", edited);
        loadRoutes("s3.camel.yaml", routeFile("s3.camel.yaml"));
        upload("shoe.json", PipelineTest.job(""));

        await().atMost(WAIT).until(() -> s3.get(BUCKET, "out/completed/shoe.json").isPresent());
        assertThat(s3.keys(BUCKET, "out/")).containsExactly("out/completed/shoe.json", "out/completed/shoe.png");
        awaitFile(remote("inbox/.done/shoe.json"));
        assertThat(remote("out")).doesNotExist();
    }

    @Test
    void aFileAnotherInstanceHoldsIsLeftToItUntilItLetsGo() throws Exception {
        IdempotentRepository other = anotherInstancesClaims();
        String claim = "sftp:127.0.0.1:" + sftp.port() + "/inbox/shoe.json";
        assertThat(other.add(claim)).isTrue();
        loadRoutes("sftp.camel.yaml", routeFile("sftp.camel.yaml"));
        upload("shoe.json", PipelineTest.job(""));

        // polled every 2 s, settled after 1 s
        Thread.sleep(5000);
        assertThat(remote("inbox/shoe.json")).exists();
        assertThat(emulator.requests(Operation.RUNSYNC)).isEmpty();

        other.remove(claim);
        assertThat(json(remote("out/completed/shoe.json")).get("status").asText()).isEqualTo("COMPLETED");
        awaitFile(remote("inbox/.done/shoe.json"));
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void fileStillBeingUploadedIsNotTakenHalfWay() throws Exception {
        // the partner's upload pauses for 1.5 s: a settle time longer than that waits for the whole file
        context.getPropertiesComponent().addOverrideProperty("nanobanana.sftp.settle-time", "3s");
        loadRoutes("sftp.camel.yaml", routeFile("sftp.camel.yaml"));
        String job = PipelineTest.job("");
        Path file = remote("inbox/slow.json");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(job.substring(0, 20).getBytes(StandardCharsets.UTF_8));
            out.flush();
            Thread.sleep(1500);
            out.write(job.substring(20).getBytes(StandardCharsets.UTF_8));
        }

        assertThat(json(remote("out/completed/slow.json")).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(remote("out/failed")).doesNotExist();
    }

    @Test
    void serverGoneAndBackWhileTheRuntimeRunsAndThePendingJobCompletesOnce() throws Exception {
        loadRoutes("sftp.camel.yaml", routeFile("sftp.camel.yaml"));
        upload("first.json", PipelineTest.job(""));
        awaitFile(remote("inbox/.done/first.json"));

        sftp.stop();
        upload("pending.json", PipelineTest.job(""));
        await().atMost(WAIT).until(() -> logs.lines(Level.WARN).stream().anyMatch(line ->
                line.contains("sftp://127.0.0.1:" + sftp.port() + "/inbox cannot be read")));
        Thread.sleep(3000);
        sftp.start();

        json(remote("out/completed/pending.json"));
        awaitFile(remote("inbox/.done/pending.json"));
        // said once the poll that took the file ends, which may be after the file was moved
        await().atMost(WAIT).until(() -> logs.lines(Level.INFO).stream().anyMatch(line ->
                line.contains("/inbox works again")));
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(2);
        // one line when the server went away, one when it came back: no stack trace every poll
        assertThat(logs.lines(Level.WARN)).filteredOn(line -> line.contains("cannot be read")).hasSize(1);
        assertThat(logs.withStackTrace()).isEmpty();
    }

    @Test
    void serverThatFallsSilentMidSessionIsGivenUpAndTheNextPollConnectsAgain() throws Exception {
        try (SilencingRelay relay = new SilencingRelay(sftp.port())) {
            context.getPropertiesComponent().addOverrideProperty("nanobanana.sftp.port", Integer.toString(relay.port()));
            // the same host key, at the relay's port
            Path knownHosts = Files.writeString(work.resolve("known_hosts"), Files.readString(sftp.knownHostsFile())
                    .replace("]:" + sftp.port() + " ", "]:" + relay.port() + " "));
            context.getPropertiesComponent().addOverrideProperty("nanobanana.sftp.known-hosts-file",
                    knownHosts.toString());
            context.getPropertiesComponent().addOverrideProperty("nanobanana.http.read-timeout", "1s");
            loadRoutes("sftp.camel.yaml", routeFile("sftp.camel.yaml"));
            upload("first.json", PipelineTest.job(""));
            awaitFile(remote("out/completed/first.json"));
            awaitFile(remote("inbox/.done/first.json"));

            // the poll's and the sink's connections stay open, and nothing comes back on them any more (whether the
            // next poll then fails, and says so, or camel-ftp's check of the connection finds it dead first and
            // connects again, depends on which of them meets the silence first)
            relay.silenceOpenConnections();
            upload("pending.json", PipelineTest.job(""));

            // given up after about twice the read timeout (no answer, then an unanswered keep-alive), not 10 minutes
            await().atMost(Duration.ofSeconds(60)).until(() -> relay.silencedClosedByClient() >= 1);
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(remote("out/completed/pending.json")));
            awaitFile(remote("inbox/.done/pending.json"));
            assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(2);
        }
    }

    @Test
    void wrongPasswordIsSaidOnceAndThePasswordIsNowhere() throws Exception {
        String password = "Wr0ng+Pass/word&x";
        context.getPropertiesComponent().addOverrideProperty("nanobanana.sftp.password", password);
        loadRoutes("sftp.camel.yaml", routeFile("sftp.camel.yaml"));
        upload("shoe.json", PipelineTest.job(""));

        await().atMost(WAIT).until(() -> logs.lines(Level.WARN).stream().anyMatch(line ->
                line.contains("/inbox cannot be read")));
        Thread.sleep(3000);
        List<String> warnings = logs.lines(Level.WARN);
        assertThat(warnings).filteredOn(line -> line.contains("cannot be read")).singleElement().asString()
                .contains("Auth fail");
        assertThat(logs.lines()).noneMatch(line -> line.contains(password) || line.contains(sftp.password()));
        assertThat(remote("inbox/shoe.json")).exists();
        // the readiness check's GET /health aside
        assertThat(emulator.requests()).filteredOn(request -> request.operation() != Operation.HEALTH).isEmpty();
    }

    @Test
    void wrongS3SecretIsSaidOnceAndTheKeysAreNowhere() throws Exception {
        String secret = "WRONG/secret+key";
        context.getPropertiesComponent().addOverrideProperty("nanobanana.s3.secret-key", secret);
        // the S3 client is made from the settings when the routes are configured: make it again with the bad key
        context.getRegistry().bind(NanoBananaS3Routes.CLIENT,
                S3Clients.forEndpoints(NanoBananaSettings.from(context).s3()));
        loadRoutes("s3.camel.yaml", routeFile("s3.camel.yaml"));
        s3.put(BUCKET, "inbox/shoe.json", PipelineTest.job(""));

        await().atMost(Duration.ofSeconds(30)).until(() -> logs.lines(Level.WARN).stream().anyMatch(line ->
                line.contains("aws2-s3://" + BUCKET + " cannot be read")));
        Thread.sleep(3000);
        assertThat(logs.lines(Level.WARN)).filteredOn(line -> line.contains("cannot be read")).singleElement()
                .asString().contains("403");
        assertThat(logs.lines()).noneMatch(line -> line.contains(secret) || line.contains(s3.secretKey())
                                                   || line.contains(s3.accessKey()));
        assertThat(s3.keys(BUCKET, "inbox/")).containsExactly("inbox/shoe.json");
        // the readiness check's GET /health aside
        assertThat(emulator.requests()).filteredOn(request -> request.operation() != Operation.HEALTH).isEmpty();
    }
}
