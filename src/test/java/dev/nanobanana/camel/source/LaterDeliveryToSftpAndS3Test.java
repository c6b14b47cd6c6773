package dev.nanobanana.camel.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.nanobanana.emulator.Operation;
import dev.nanobanana.camel.pipeline.PipelineTest;
import dev.nanobanana.camel.testing.RemoteSourcesTestSupport;
import dev.nanobanana.camel.testing.LogCapture;

/**
 * A paid image whose sink was down gets an error record in a failed sink on an SFTP server or in S3; once its sink
 * takes the image after all, the record is removed there, over SFTP or S3.
 */
class LaterDeliveryToSftpAndS3Test extends RemoteSourcesTestSupport {

    @RegisterExtension
    final LogCapture logs = new LogCapture(Level.INFO);

    /** A test that stopped the server and failed before starting it again leaves it running for the next. */
    @AfterEach
    void serverRunning() {
        sftp.start();
    }

    Path remote(String path) {
        return sftpRoot.resolve(path);
    }

    /**
     * A route file with its images and records sent to the local completed folder instead, and that folder down: a
     * file is where it should be, so that nothing can be written there until the file is gone.
     */
    String withCompletedSinkDown(String routeFile, String completedSink) throws Exception {
        String edited = routeFile(routeFile).replace("constant: " + completedSink,
                "constant: \"file:" + completed + "?tempPrefix=.writing-\"");
        assertThat(edited).isNotEqualTo(routeFile(routeFile));
        Files.createDirectories(completed.getParent());
        Files.writeString(completed, "not a folder");
        return edited;
    }

    @Test
    void anImageDeliveredAfterItsErrorRecordWasWrittenOnTheServerLeavesNoErrorRecordThere() throws Exception {
        loadRoutes("sftp.camel.yaml", withCompletedSinkDown("sftp.camel.yaml", "direct:sftp-completed"));
        upload("shoe.json", PipelineTest.job(""));
        Path errorRecord = remote("out/failed/shoe.error.json");
        assertThat(json(errorRecord).get("reason").asText()).contains("paid for");

        Files.delete(completed);

        assertThat(json(completed.resolve("shoe.json")).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(completed.resolve("shoe.png")).exists();
        await().atMost(WAIT).until(() -> Files.notExists(errorRecord));
        assertThat(remote("out/failed")).isEmptyDirectory();
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void aCompletedFolderOnTheServerThatCannotBeWrittenGetsTheImageOnceItCanAndAnErrorRecordMeanwhile()
            throws Exception {
        // a file where the completed folder should be: nothing can be written under it until it is gone
        Files.createDirectories(remote("out"));
        Files.writeString(remote("out/completed"), "not a folder");
        loadRoutes("sftp.camel.yaml", routeFile("sftp.camel.yaml"));
        upload("shoe.json", PipelineTest.job(""));
        Path errorRecord = remote("out/failed/shoe.error.json");
        assertThat(json(errorRecord).get("reason").asText()).contains("paid for");

        Files.delete(remote("out/completed"));

        assertThat(json(remote("out/completed/shoe.json")).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(remote("out/completed/shoe.png")).exists();
        await().atMost(WAIT).until(() -> Files.notExists(errorRecord));
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void aServerGoneWhenTheImageIsDeliveredLeavesTheErrorRecordThereAndSaysWhere() throws Exception {
        loadRoutes("sftp.camel.yaml", withCompletedSinkDown("sftp.camel.yaml", "direct:sftp-completed"));
        upload("shoe.json", PipelineTest.job(""));
        Path errorRecord = remote("out/failed/shoe.error.json");
        json(errorRecord);
        sftp.stop();

        Files.delete(completed);

        assertThat(json(completed.resolve("shoe.json")).get("status").asText()).isEqualTo("COMPLETED");
        await().atMost(WAIT).until(() -> logs.lines(Level.WARN).stream().anyMatch(line -> line.contains(
                "Job shoe was delivered, but its error record sftp://127.0.0.1:" + sftp.port()
                + "/out/failed/shoe.error.json could not be removed")));
        assertThat(errorRecord).exists();
        assertThat(logs.lines()).noneMatch(line -> line.contains(sftp.password()));
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void anImageDeliveredAfterItsErrorRecordWasWrittenToTheBucketLeavesNoErrorRecordThere() throws Exception {
        loadRoutes("s3.camel.yaml", withCompletedSinkDown("s3.camel.yaml", "direct:s3-completed"));
        s3.put(BUCKET, "inbox/shoe.json", PipelineTest.job(""));
        await().atMost(WAIT).until(() -> s3.get(BUCKET, "out/failed/shoe.error.json").isPresent());
        assertThat(s3.getString(BUCKET, "out/failed/shoe.error.json").orElseThrow()).contains("paid for");

        Files.delete(completed);

        assertThat(json(completed.resolve("shoe.json")).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(completed.resolve("shoe.png")).exists();
        await().atMost(WAIT).until(() -> s3.get(BUCKET, "out/failed/shoe.error.json").isEmpty());
        assertThat(s3.keys(BUCKET, "out/")).isEmpty();
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }
}
