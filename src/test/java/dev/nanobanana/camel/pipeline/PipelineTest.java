package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.nanobanana.emulator.Base64Style;
import dev.nanobanana.emulator.Fault;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RecordedRequest;
import dev.nanobanana.camel.testing.PipelineTestSupport;

public class PipelineTest extends PipelineTestSupport {

    public static String job(String extraFields) {
        return "{\"prompt\": \"Make the sneaker yellow\", \"images\": [\"https://images.test/shoe.png\"]"
               + (extraFields.isEmpty() ? "" : ", " + extraFields) + "}";
    }

    @Test
    void droppedJobFileBecomesAnImageAndItsRecord() throws Exception {
        drop("shoe.json", job("\"aspect_ratio\": \"16:9\""));

        JsonNode record = json(completed.resolve("shoe.json"));
        BufferedImage image = ImageIO.read(completed.resolve("shoe.png").toFile());
        assertThat(image.getWidth()).isEqualTo(1024);
        assertThat(image.getHeight()).isEqualTo(576);
        assertThat(record.get("jobId").asText()).isEqualTo("shoe");
        assertThat(record.get("runpodId").asText()).startsWith("sync-");
        assertThat(record.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(record.get("costUsd").decimalValue()).isEqualByComparingTo("0.0875");
        assertThat(record.get("delayTimeMs").isNumber()).isTrue();
        assertThat(record.get("executionTimeMs").asLong()).isPositive();
        assertThat(record.get("imageFile").asText()).isEqualTo("shoe.png");
        assertThat(record.get("imageUrl").asText()).startsWith("http://127.0.0.1:" + emulator.port() + "/");
        assertThat(record.at("/request/input/prompt").asText()).isEqualTo("Make the sneaker yellow");
        assertThat(record.at("/request/input/resolution").asText()).isEqualTo("1k");
        assertThat(record.at("/request/input/aspect_ratio").asText()).isEqualTo("16:9");
        assertThat(record.get("sourceFile").asText()).endsWith("shoe.json");
        assertThat(record.get("completedAt").asText()).isNotBlank();
        assertThat(processed(".done", "shoe.json")).exists();
        assertThat(inbox.resolve("shoe.json")).doesNotExist();
        assertThat(failed).doesNotExist();
        assertThat(emulator.requests(Operation.RUNSYNC)).singleElement()
                .satisfies(request -> assertThat(request.authorized()).isTrue());
    }

    @Test
    void failedJobLandsInFailedSinkWithRunpodError() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.jobFails("Invalid image URL in images array"));
        drop("shoe.json", job(""));

        JsonNode record = json(failed.resolve("shoe.error.json"));
        assertThat(record.get("reason").asText()).isEqualTo("RunPod reports the job FAILED: Invalid image URL in images array");
        assertThat(record.get("runpodStatus").asText()).isEqualTo("FAILED");
        assertThat(record.get("runpodError").asText()).isEqualTo("Invalid image URL in images array");
        assertThat(record.get("runpodId").asText()).startsWith("sync-");
        assertThat(record.get("attempts").asInt()).isEqualTo(1);
        assertThat(record.at("/job/prompt").asText()).isEqualTo("Make the sneaker yellow");
        assertThat(record.get("sourceFile").asText()).endsWith("shoe.json");
        assertThat(processed(".failed", "shoe.json")).exists();
        assertThat(completed.resolve("shoe.png")).doesNotExist();
    }

    @Test
    void jobRunpodEndsTimedOutLandsInFailedSinkAndIsNeverSubmittedAgain() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.jobTimesOut(Duration.ofMillis(50)));
        drop("shoe.json", job(""));

        JsonNode record = json(failed.resolve("shoe.error.json"));
        assertThat(record.get("reason").asText()).isEqualTo("RunPod reports the job TIMED_OUT");
        assertThat(record.get("runpodStatus").asText()).isEqualTo("TIMED_OUT");
        assertThat(record.get("runpodId").asText()).startsWith("sync-");
        assertThat(record.get("attempts").asInt()).isEqualTo(1);
        assertThat(processed(".failed", "shoe.json")).exists();
        assertThat(completed.resolve("shoe.png")).doesNotExist();
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void jobThatTimesOutWhileItIsPolledIsRecordedTimedOutAndNeverSubmittedAgain() throws Exception {
        // past the runsync window of 400 ms: the answer is IN_PROGRESS, and the job ends while it is polled
        emulator.inject(Operation.RUNSYNC, Fault.jobTimesOut(Duration.ofMillis(1500)));
        drop("shoe.json", job(""));

        JsonNode record = json(failed.resolve("shoe.error.json"));
        assertThat(record.get("reason").asText()).isEqualTo("RunPod reports the job TIMED_OUT");
        assertThat(record.get("runpodStatus").asText()).isEqualTo("TIMED_OUT");
        assertThat(emulator.requests(Operation.STATUS)).isNotEmpty();
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
        assertThat(emulator.requests(Operation.CANCEL)).isEmpty();
        assertThat(emulator.stats().jobsTimedOut()).isEqualTo(1);
    }

    @Test
    void rejectedJobKeepsRunpodsNestedErrorAndIsNotRetried() throws Exception {
        drop("cat.json", "{\"prompt\": \"p\", \"images\": [\"https://cdn.example.invalid/cat.png\"]}");

        JsonNode record = json(failed.resolve("cat.error.json"));
        assertThat(record.get("runpodError").asText()).startsWith("Error submitting task: 400, {");
        assertThat(record.at("/runpodErrorDetail/code").asInt()).isEqualTo(400);
        assertThat(record.at("/runpodErrorDetail/message").asText()).contains("Invalid image URL");

        emulator.inject(Operation.RUNSYNC, Fault.jobFails(400, "Invalid image URL in images array"));
        drop("dog.json", job(""));
        JsonNode rejected = json(failed.resolve("dog.error.json"));
        assertThat(rejected.get("httpStatus").asInt()).isEqualTo(400);
        assertThat(rejected.get("reason").asText())
                .isEqualTo("RunPod rejected the job (HTTP 400): Invalid image URL in images array");
        assertThat(rejected.get("runpodStatus").asText()).isEqualTo("FAILED");
        assertThat(rejected.get("attempts").asInt()).isEqualTo(1);
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(2);
    }

    @Test
    void rateLimitedSubmitIsRetriedAfterRetryAfter() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.httpStatus(429, Duration.ofSeconds(2)));
        drop("shoe.json", job(""));

        json(completed.resolve("shoe.json"));
        List<RecordedRequest> submits = emulator.requests(Operation.RUNSYNC);
        assertThat(submits).hasSize(2);
        // the configured backoff would have waited 100 ms
        assertThat(Duration.between(submits.get(0).at(), submits.get(1).at())).isGreaterThanOrEqualTo(
                Duration.ofMillis(1900));
    }

    @Test
    void serverErrorsUntilAttemptsRunOutEndInAFailedRecord() throws Exception {
        for (int i = 0; i < 3; i++) {
            emulator.inject(Operation.RUNSYNC, Fault.httpStatus(503));
        }
        drop("shoe.json", job(""));

        JsonNode record = json(failed.resolve("shoe.error.json"));
        assertThat(record.get("httpStatus").asInt()).isEqualTo(503);
        assertThat(record.get("attempts").asInt()).isEqualTo(3);
        assertThat(record.get("reason").asText())
                .startsWith("RunPod answered HTTP 503 after 3 attempts while submitting the job to RunPod");
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(3);
        assertThat(processed(".failed", "shoe.json")).exists();
    }

    @Test
    void connectionLostAfterTheSubmitLeftIsInDoubtAndNeverSentAgain() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.dropConnection());
        drop("shoe.json", job(""));

        JsonNode record = json(failed.resolve("shoe.error.json"));
        assertThat(record.get("reason").asText()).startsWith("the connection was lost after the job was sent")
                .contains("its outcome is unknown").contains("nanobanana.resubmit-in-doubt=true");
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void unauthorizedIsNeverRetried() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.httpStatus(401));
        drop("shoe.json", job(""));

        JsonNode record = json(failed.resolve("shoe.error.json"));
        assertThat(record.get("httpStatus").asInt()).isEqualTo(401);
        assertThat(record.get("attempts").asInt()).isEqualTo(1);
        assertThat(record.get("reason").asText()).contains("check the API key");
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void jobStillInProgressAfterTheRunsyncWindowIsPolledToCompletion() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.jobRunsFor(Duration.ofMillis(1500)));
        drop("shoe.json", job(""));

        JsonNode record = json(completed.resolve("shoe.json"));
        assertThat(record.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
        assertThat(emulator.requests(Operation.STATUS)).isNotEmpty()
                .allSatisfy(poll -> assertThat(poll.path()).endsWith("/status/" + record.get("runpodId").asText()));
    }

    @Test
    void droppedStatusPollIsRetriedWithoutResubmitting() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.jobRunsFor(Duration.ofMillis(800)));
        emulator.inject(Operation.STATUS, Fault.dropConnection());
        emulator.inject(Operation.STATUS, Fault.httpStatus(502));
        drop("shoe.json", job(""));

        assertThat(json(completed.resolve("shoe.json")).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Base64Style.class)
    void base64OutputIsDecodedIntoTheImage(Base64Style style) throws Exception {
        emulator.setBase64Style(style);
        drop("shoe.yaml", """
                prompt: Make the sneaker yellow
                images: [https://images.test/shoe.png]
                output_format: jpeg
                enable_base64_output: true
                """);

        JsonNode record = json(completed.resolve("shoe.json"));
        assertThat(record.has("imageUrl")).isFalse();
        assertThat(record.get("imageFile").asText()).isEqualTo("shoe.jpeg");
        BufferedImage image = ImageIO.read(completed.resolve("shoe.jpeg").toFile());
        assertThat(image.getWidth()).isEqualTo(1024);
        assertThat(emulator.requests(Operation.IMAGE)).isEmpty();
    }

    @Test
    void multiJobFileGivesOneResultPerJobAndIsKeptApartWhenOneFails() throws Exception {
        drop("batch.yaml", """
                jobs:
                  - prompt: first
                    images: [https://images.test/a.png]
                  - id: second
                    prompt: second
                    images: [https://images.test/b.png]
                    resolution: 2k
                  - prompt: third has no images
                """);

        assertThat(json(completed.resolve("batch.json")).get("jobId").asText()).isEqualTo("batch");
        assertThat(ImageIO.read(awaitFile(completed.resolve("second.png")).toFile()).getWidth()).isEqualTo(2048);
        assertThat(json(failed.resolve("batch-3.error.json")).get("reason").asText()).contains("images is missing");
        assertThat(processed(".failed", "batch.yaml")).exists();
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(2);
    }

    @Test
    void jobsOfOneFileFinishingTogetherEachGetTheirOwnFiles() throws Exception {
        StringBuilder jobs = new StringBuilder("jobs:\n");
        for (int i = 1; i <= 8; i++) {
            jobs.append("  - {prompt: job ").append(i).append(", images: [https://images.test/a.png]}\n");
        }
        drop("together.yaml", jobs.toString());

        assertThat(processed(".done", "together.yaml")).exists();
        for (String id : List.of("together", "together-2", "together-3", "together-4", "together-5", "together-6",
                "together-7", "together-8")) {
            assertThat(json(completed.resolve(id + ".json")).get("jobId").asText()).isEqualTo(id);
            assertThat(ImageIO.read(completed.resolve(id + ".png").toFile())).isNotNull();
        }
        assertThat(failed).doesNotExist();
    }

    @Test
    void rawRunsyncBodyIsAJob() throws Exception {
        drop("curl-body.json", "{\"input\": " + job("\"output_format\": \"jpeg\"") + "}");

        assertThat(json(completed.resolve("curl-body.json")).get("imageFile").asText()).isEqualTo("curl-body.jpeg");
        assertThat(processed(".done", "curl-body.json")).exists();
    }

    @Test
    void imageThatCannotBeDownloadedForAWhileIsRecordedWithItsUrl() throws Exception {
        for (int i = 0; i < 50; i++) {
            emulator.inject(Operation.IMAGE, Fault.httpStatus(404));
        }
        drop("shoe.json", job(""));

        JsonNode record = json(failed.resolve("shoe.error.json"));
        assertThat(record.get("httpStatus").asInt()).isEqualTo(404);
        assertThat(record.get("step").asText()).isEqualTo("downloading the image");
        assertThat(record.get("imageUrl").asText()).startsWith("http://127.0.0.1:" + emulator.port() + "/images/");
        assertThat(record.get("reason").asText())
                .startsWith("the image host answered HTTP 404")
                .contains("was generated and paid for")
                .contains("RunPod keeps an image URL for 7 days");
        // tried for nanobanana.retry.paid-image-for (2 s here), not given up at the first 404
        assertThat(record.get("attempts").asInt()).isGreaterThan(2);
        assertThat(emulator.requests(Operation.IMAGE)).hasSizeGreaterThan(2);
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
        assertThat(completed.resolve("shoe.png")).doesNotExist();
    }

    @Test
    void imageHostAnswering404RightAfterCompletedIsAskedAgain() throws Exception {
        emulator.inject(Operation.IMAGE, Fault.httpStatus(404));
        drop("shoe.json", job(""));

        assertThat(ImageIO.read(awaitFile(completed.resolve("shoe.png")).toFile())).isNotNull();
        assertThat(emulator.requests(Operation.IMAGE)).hasSize(2);
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void paidBase64ImageWhoseSinkCannotBeWrittenIsKeptInTheSpoolAndTheRecordSaysWhere() throws Exception {
        // a file where the completed folder should be: nothing can be written there
        Files.createDirectories(completed.getParent());
        Files.writeString(completed, "not a folder");
        drop("shoe.yaml", """
                prompt: Make the sneaker yellow
                images: [https://images.test/shoe.png]
                enable_base64_output: true
                """);

        JsonNode record = json(failed.resolve("shoe.error.json"));
        Path kept = Path.of(record.get("keptImage").asText());
        assertThat(kept.getParent()).isEqualTo(spool);
        assertThat(ImageIO.read(kept.toFile()).getWidth()).isEqualTo(1024);
        assertThat(record.get("step").asText()).isEqualTo("storing the image in the completed sink");
        assertThat(record.get("reason").asText())
                .contains("The image was generated and paid for (RunPod job " + record.get("runpodId").asText())
                .contains("it is kept in " + kept + ", and its delivery is tried again until the sink takes it")
                .doesNotContain("7 days");
        assertThat(record.get("attempts").asInt()).isGreaterThan(1);
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void jobWhosePollsFailForGoodIsCancelledAtRunpod() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.jobRunsFor(Duration.ofSeconds(5)));
        for (int i = 0; i < 3; i++) {
            emulator.inject(Operation.STATUS, Fault.httpStatus(503));
        }
        drop("shoe.json", job(""));

        JsonNode record = json(failed.resolve("shoe.error.json"));
        assertThat(record.get("step").asText()).isEqualTo("polling RunPod for the job's state");
        assertThat(record.get("reason").asText()).contains("The job was cancelled at RunPod");
        assertThat(emulator.requests(Operation.CANCEL)).singleElement()
                .satisfies(cancel -> assertThat(cancel.path()).endsWith("/cancel/" + record.get("runpodId").asText()));
    }

    @Test
    void imageDownloadIsRetriedOnServerError() throws Exception {
        emulator.inject(Operation.IMAGE, Fault.httpStatus(503));
        drop("shoe.json", job(""));

        assertThat(ImageIO.read(awaitFile(completed.resolve("shoe.png")).toFile())).isNotNull();
        assertThat(emulator.requests(Operation.IMAGE)).hasSize(2);
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void answerThatIsNotJsonIsRecordedAndNotResubmitted() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.notJson());
        drop("shoe.json", job(""));

        JsonNode record = json(failed.resolve("shoe.error.json"));
        assertThat(record.get("reason").asText())
                .startsWith("RunPod answered with a body that is not JSON: <html>")
                .endsWith("(while submitting the job to RunPod)");
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void slowJobDoesNotHoldUpTheNextFile() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.jobRunsFor(Duration.ofSeconds(4)));
        drop("slow.json", job(""));
        await().atMost(WAIT).until(() -> emulator.requests(Operation.RUNSYNC).size() == 1);
        drop("fast.json", job(""));

        awaitFile(completed.resolve("fast.json"));
        assertThat(completed.resolve("slow.json")).doesNotExist();
        assertThat(json(completed.resolve("slow.json")).get("status").asText()).isEqualTo("COMPLETED");
    }

    @Test
    void nothingIsLeftBehindInTheSinks() throws Exception {
        drop("shoe.json", job(""));

        awaitFile(completed.resolve("shoe.json"));
        try (var files = Files.list(completed)) {
            assertThat(files.map(Path::getFileName).map(Path::toString)).containsExactlyInAnyOrder("shoe.png",
                    "shoe.json");
        }
    }
}
