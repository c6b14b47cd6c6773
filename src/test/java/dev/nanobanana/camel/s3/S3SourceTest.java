package dev.nanobanana.camel.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.time.Duration;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.spi.IdempotentRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.nanobanana.emulator.Fault;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.camel.pipeline.PipelineTest;
import dev.nanobanana.camel.testing.RemoteSourcesTestSupport;

/** A partner's bucket: job files uploaded to inbox/, results back in the same bucket, the file moved once. */
class S3SourceTest extends RemoteSourcesTestSupport {

    @BeforeEach
    void loadS3Routes() throws Exception {
        loadRoutes("s3.camel.yaml", routeFile("s3.camel.yaml"));
    }

    JsonNode object(String key) throws Exception {
        await().atMost(WAIT).until(() -> s3.get(BUCKET, key).isPresent());
        return JSON.readTree(s3.get(BUCKET, key).orElseThrow());
    }

    @Test
    void jobFileUploadedToTheBucketEndsAsImageAndRecordThereAndMovesToDone() throws Exception {
        s3.put(BUCKET, "inbox/shoe.json", PipelineTest.job(""));

        JsonNode record = object("out/completed/shoe.json");
        assertThat(record.get("jobId").asText()).isEqualTo("shoe");
        assertThat(record.get("sourceFile").asText()).isEqualTo("s3://" + BUCKET + "/inbox/shoe.json");
        assertThat(ImageIO.read(new ByteArrayInputStream(s3.get(BUCKET, "out/completed/shoe.png").orElseThrow()))
                .getWidth()).isEqualTo(1024);
        await().atMost(WAIT).until(() -> s3.keys(BUCKET, "inbox/").equals(java.util.List.of("inbox/.done/shoe.json")));
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void failedJobGivesAnErrorRecordInTheBucketAndItsFileIsReadOnceOnly() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.jobFails("Invalid image URL in images array"));
        s3.put(BUCKET, "inbox/broken.json", PipelineTest.job(""));

        JsonNode record = object("out/failed/broken.error.json");
        assertThat(record.get("reason").asText()).contains("Invalid image URL in images array");
        await().atMost(WAIT).until(() -> s3.keys(BUCKET, "inbox/").equals(
                java.util.List.of("inbox/.failed/broken.json")));
        // several polls later, still one submission
        Thread.sleep(3000);
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void fileOfThreeJobsWithOneFailedGivesTwoImagesOneErrorRecordAndOnePaymentEach() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.jobFails("bad input"));
        s3.put(BUCKET, "inbox/batch.yaml", """
                jobs:
                  - {id: first, prompt: one, images: [https://images.test/a.png]}
                  - {id: second, prompt: two, images: [https://images.test/a.png]}
                  - {id: third, prompt: three, images: [https://images.test/a.png]}
                """);

        await().atMost(WAIT).until(() -> s3.keys(BUCKET, "inbox/").equals(
                java.util.List.of("inbox/.failed/batch.yaml")));
        assertThat(s3.keys(BUCKET, "out/")).hasSize(5).filteredOn(key -> key.endsWith(".png")).hasSize(2);
        assertThat(s3.keys(BUCKET, "out/failed/")).singleElement().asString().endsWith(".error.json");
        Thread.sleep(3000);
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(3);
    }

    @Test
    void anObjectAnotherInstanceHoldsIsLeftToItUntilItLetsGo() throws Exception {
        IdempotentRepository other = anotherInstancesClaims();
        String claim = "s3://" + BUCKET + "/inbox/shoe.json";
        assertThat(other.add(claim)).isTrue();
        s3.put(BUCKET, "inbox/shoe.json", PipelineTest.job(""));

        Thread.sleep(4000);
        assertThat(s3.keys(BUCKET, "")).containsExactly("inbox/shoe.json");
        assertThat(emulator.requests(Operation.RUNSYNC)).isEmpty();

        other.remove(claim);
        await().atMost(WAIT).until(() -> s3.keys(BUCKET, "inbox/.done/").contains("inbox/.done/shoe.json"));
        assertThat(s3.keys(BUCKET, "out/")).containsExactly("out/completed/shoe.json", "out/completed/shoe.png");
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void objectsBesideTheInboxAreNotJobFiles() throws Exception {
        s3.put(BUCKET, "inbox/readme.txt", "not a job");
        s3.put(BUCKET, "elsewhere/other.json", PipelineTest.job(""));
        s3.put(BUCKET, "inbox/real.json", PipelineTest.job(""));

        object("out/completed/real.json");
        await().atMost(Duration.ofSeconds(5)).until(() -> s3.keys(BUCKET, "inbox/.done/").size() == 1);
        assertThat(s3.keys(BUCKET, "inbox/")).contains("inbox/readme.txt");
        assertThat(s3.keys(BUCKET, "elsewhere/")).containsExactly("elsewhere/other.json");
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }
}
