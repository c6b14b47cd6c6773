package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import javax.imageio.ImageIO;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.nanobanana.emulator.Fault;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.camel.testing.PipelineTestSupport;
import dev.nanobanana.camel.testing.LogCapture;

/**
 * A server that sends an answer's headers and part of its body, then nothing while keeping the connection open (a
 * CDN or proxy that hangs): no byte for nanobanana.http.read-timeout ends the attempt, which is then retried, or left
 * in doubt for a submit, as any lost connection is. The job never stays in flight for good.
 */
class StalledTransferTest extends PipelineTestSupport {

    @RegisterExtension
    final LogCapture log = new LogCapture(Level.INFO);

    @Override
    public Properties settings() {
        Properties settings = super.settings();
        settings.setProperty("nanobanana.http.read-timeout", "1s");
        return settings;
    }

    @Test
    void imageThatStopsArrivingHalfWayIsFetchedAgainAndTheJobCompletes() throws Exception {
        emulator.inject(Operation.IMAGE, Fault.stallMidBody());
        drop("shoe.json", PipelineTest.job(""));

        assertThat(ImageIO.read(awaitFile(completed.resolve("shoe.png")).toFile()).getWidth()).isEqualTo(1024);
        assertThat(json(completed.resolve("shoe.json")).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(emulator.requests(Operation.IMAGE)).hasSize(2);
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
        assertThat(log.lines(Level.WARN)).anySatisfy(line -> assertThat(line)
                .contains("Job shoe: downloading the image failed")
                .contains("no data for 1s while reading the image from http://127.0.0.1:" + emulator.port()
                          + "/images/")
                .contains("the image is paid for"));
        assertThat(spoolFiles()).isEmpty();
    }

    @Test
    void imageThatKeepsStallingIsRecordedAsPaidForWithTheStallNamed() throws Exception {
        for (int i = 0; i < 20; i++) {
            emulator.inject(Operation.IMAGE, Fault.stallMidBody());
        }
        drop("shoe.json", PipelineTest.job(""));

        JsonNode record = json(failed.resolve("shoe.error.json"));
        assertThat(record.get("step").asText()).isEqualTo("downloading the image");
        assertThat(record.get("reason").asText())
                .startsWith("the image stopped arriving while downloading the image after")
                .contains("(no data for 1s while reading the image from http://127.0.0.1:" + emulator.port()
                          + "/images/")
                .contains("raise nanobanana.http.read-timeout")
                .contains("The image was generated and paid for")
                .contains("RunPod keeps an image URL for 7 days");
        // tried for nanobanana.retry.paid-image-for (2 s here), as any failed download of a paid image
        assertThat(record.get("attempts").asInt()).isGreaterThan(1);
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
        assertThat(spoolFiles()).isEmpty();
    }

    @Test
    void pollAnswerThatStopsHalfWayIsPolledAgain() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.jobRunsFor(Duration.ofMillis(1500)));
        emulator.inject(Operation.STATUS, Fault.stallMidBody());
        drop("shoe.json", PipelineTest.job(""));

        assertThat(json(completed.resolve("shoe.json")).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(emulator.requests(Operation.STATUS)).hasSizeGreaterThan(1);
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
        assertThat(log.lines(Level.WARN)).anySatisfy(line -> assertThat(line)
                .contains("Job shoe: polling RunPod for the job's state failed")
                .contains("no data for 1s while reading the answer from " + emulator.endpointUrl() + "/status/"));
    }

    @Test
    void submitAnswerThatStopsHalfWayIsInDoubtAndNeverSentAgain() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.stallMidBody());
        drop("shoe.json", PipelineTest.job(""));

        JsonNode record = json(failed.resolve("shoe.error.json"));
        assertThat(record.get("reason").asText())
                .startsWith("RunPod's answer stopped arriving while submitting the job to RunPod (no data for 1s "
                            + "while reading the answer from " + emulator.endpointUrl() + "/runsync)")
                .contains("its outcome is unknown")
                .contains("it was not submitted again");
        assertThat(record.get("attempts").asInt()).isEqualTo(1);
        assertThat(processed(".failed", "shoe.json")).exists();
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    private List<Path> spoolFiles() throws IOException {
        await().atMost(WAIT).until(() -> !Files.exists(spool) || listSpool().isEmpty());
        return Files.exists(spool) ? listSpool() : List.of();
    }

    private List<Path> listSpool() throws IOException {
        try (var files = Files.list(spool)) {
            return files.toList();
        }
    }
}
