package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import javax.imageio.ImageIO;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.nanobanana.emulator.Operation;
import dev.nanobanana.camel.testing.PipelineTestSupport;
import dev.nanobanana.camel.testing.LogCapture;

/**
 * A paid image whose sink was down gets an error record in the failed sink; once the sink takes the image after all,
 * that record goes, so that the failed sink lists only what failed.
 */
class LaterDeliveryTest extends PipelineTestSupport {

    @RegisterExtension
    final LogCapture logs = new LogCapture(Level.INFO);

    /** A file where the completed folder should be: no image can be written there until it is gone. */
    void completedSinkDown() throws Exception {
        Files.createDirectories(completed.getParent());
        Files.writeString(completed, "not a folder");
    }

    @Test
    void anImageDeliveredOnceItsFolderIsBackLeavesNoErrorRecordInTheFailedFolder() throws Exception {
        completedSinkDown();
        drop("shoe.json", PipelineTest.job(""));
        Path errorRecord = failed.resolve("shoe.error.json");
        assertThat(json(errorRecord).get("reason").asText()).contains("its delivery is tried again");

        Files.delete(completed);

        assertThat(ImageIO.read(awaitFile(completed.resolve("shoe.png")).toFile())).isNotNull();
        assertThat(json(completed.resolve("shoe.json")).get("status").asText()).isEqualTo("COMPLETED");
        await().atMost(WAIT).until(() -> Files.notExists(errorRecord));
        assertThat(failed).isEmptyDirectory();
        assertThat(logs.lines(Level.INFO)).anyMatch(line -> line.contains("Job shoe was delivered after all: its error "
                + "record " + failed.resolve("shoe.error.json") + " is removed"));
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void aFailedSinkRouteOfYourOwnThatCannotRemoveFilesGetsANoteOverTheErrorRecord() throws Exception {
        Path partnerInbox = Files.createDirectories(work.resolve("partner-inbox"));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("file:" + partnerInbox + "?move=.done&moveFailed=.failed&delay=200")
                        .setProperty(JobExchange.COMPLETED_SINK, constant("file:" + completed))
                        .setProperty(JobExchange.FAILED_SINK, constant("direct:partner-failed"))
                        .to(NanoBananaRoutes.JOB_FILE);
                // a sink of the user's own: it writes what it is sent, and knows nothing of removing
                from("direct:partner-failed").to("file:" + failed);
            }
        });
        completedSinkDown();
        Files.writeString(partnerInbox.resolve("shoe.json"), PipelineTest.job(""));
        Path errorRecord = failed.resolve("shoe.error.json");
        assertThat(json(errorRecord).get("reason").asText()).contains("paid for");
        Instant before = Instant.now();

        Files.delete(completed);

        awaitFile(completed.resolve("shoe.json"));
        // read while the sink may be writing it
        await().atMost(WAIT).ignoreExceptions().until(() -> json(errorRecord).has("note"));
        JsonNode note = json(errorRecord);
        assertThat(note.get("jobId").asText()).isEqualTo("shoe");
        assertThat(note.get("note").asText()).contains("delivered").contains("did not fail");
        assertThat(note.get("completedSink").asText()).isEqualTo(completed.toString());
        assertThat(note.get("imageFile").asText()).isEqualTo("shoe.png");
        assertThat(note.get("recordFile").asText()).isEqualTo("shoe.json");
        assertThat(Instant.parse(note.get("deliveredAt").asText())).isAfter(before);
        assertThat(note.has("reason")).isFalse();
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void anErrorRecordThatCannotBeRemovedIsSaidWithItsPathAndTheImageIsDeliveredAllTheSame() throws Exception {
        completedSinkDown();
        drop("shoe.json", PipelineTest.job(""));
        Path errorRecord = failed.resolve("shoe.error.json");
        json(errorRecord);
        // something of the user's own under the record's name, that a removal of one file must not take with it
        Files.delete(errorRecord);
        Files.writeString(Files.createDirectories(errorRecord).resolve("kept.txt"), "mine");

        Files.delete(completed);

        assertThat(json(completed.resolve("shoe.json")).get("status").asText()).isEqualTo("COMPLETED");
        await().atMost(WAIT).until(() -> logs.lines(Level.WARN).stream().anyMatch(line ->
                line.contains("Job shoe was delivered, but its error record " + errorRecord + " could not be removed "
                             + "(DirectoryNotEmptyException)")));
        assertThat(errorRecord.resolve("kept.txt")).hasContent("mine");
        assertThat(processed(".failed", "shoe.json")).exists();
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }
}
