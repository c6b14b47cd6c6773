package dev.nanobanana.camel.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.camel.pipeline.LocalImageTest;
import dev.nanobanana.camel.testing.RemoteSourcesTestSupport;

/**
 * Jobs whose images sit in the partner's bucket: RunPod gets presigned URLs, and the emulator fetches every input
 * image as RunPod does, so a URL that does not work fails the test.
 */
class S3ImagesTest extends RemoteSourcesTestSupport {

    @Override
    public EmulatorSettings emulatorSettings() {
        return super.emulatorSettings().withFetchInputs(true);
    }

    @BeforeEach
    void loadS3Routes() throws Exception {
        loadRoutes("s3.camel.yaml", routeFile("s3.camel.yaml"));
    }

    JsonNode object(String key) throws Exception {
        await().atMost(WAIT).until(() -> s3.get(BUCKET, key).isPresent());
        return JSON.readTree(s3.get(BUCKET, key).orElseThrow());
    }

    @Test
    void s3ImageInAJobIsSentAsAPresignedUrlAndRecordedAsWritten() throws Exception {
        s3.put(BUCKET, "photos/shoe.png", LocalImageTest.png());
        s3.put(BUCKET, "inbox/presigned.json",
                "{\"prompt\": \"p\", \"images\": [\"s3://" + BUCKET + "/photos/shoe.png\"]}");

        JsonNode record = object("out/completed/presigned.json");
        assertThat(record.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(record.at("/request/input/images/0").asText()).isEqualTo("s3://" + BUCKET + "/photos/shoe.png");
        assertThat(emulator.requests(Operation.RUNSYNC)).singleElement().satisfies(request -> assertThat(
                request.body()).contains(s3.endpoint() + "/" + BUCKET + "/photos/shoe.png?")
                .contains("X-Amz-Signature="));
        assertThat(s3.getString(BUCKET, "out/completed/presigned.json").orElseThrow()).doesNotContain("Signature");
    }

    @Test
    void missingS3ImageIsRefusedBeforeAnyRequestWithItsKey() throws Exception {
        s3.put(BUCKET, "inbox/missing.json",
                "{\"prompt\": \"p\", \"images\": [\"s3://" + BUCKET + "/photos/absent.png\"]}");

        JsonNode record = object("out/failed/missing.error.json");
        assertThat(record.get("reason").asText()).contains("\"s3://" + BUCKET + "/photos/absent.png\" does not exist: "
                                                           + "no object photos/absent.png in bucket " + BUCKET);
        // the readiness check's GET /health aside
        assertThat(emulator.requests()).filteredOn(request -> request.operation() != Operation.HEALTH).isEmpty();
    }

}
