package dev.nanobanana.camel.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.camel.settings.KnownSecrets;
import dev.nanobanana.camel.pipeline.JobExchange;
import dev.nanobanana.camel.job.EditJob;
import dev.nanobanana.camel.job.JobDraft;
import dev.nanobanana.camel.job.JobKey;
import dev.nanobanana.camel.ledger.JobLedger;
import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.runpod.RunpodStatus;
import dev.nanobanana.camel.runpod.RunsyncRequest;
import dev.nanobanana.camel.job.JobRoute;
import dev.nanobanana.camel.settings.PublicText;

/** What the status page says about jobs whose results are not in a folder here, and about text it must not show. */
class StatusBoardTest {

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());
    static final String SECRET = "rpa_secret-key-in-an-error";
    static final Instant NOW = Instant.parse("2026-11-26T10:15:30Z");

    @TempDir
    Path work;
    JobLedger ledger;
    StatusBoard board;

    @BeforeEach
    void openTheLedger() {
        ledger = JobLedger.open("jdbc:h2:file:" + work.resolve("ledger"), "sa", "", Clock.fixed(NOW, ZoneOffset.UTC));
        board = new StatusBoard(ledger, new PublicText(new KnownSecrets(List.of(SECRET))),
                Clock.fixed(NOW, ZoneOffset.UTC), NOW.minus(Duration.ofHours(1)));
    }

    @AfterEach
    void closeTheLedger() {
        ledger.close();
    }

    @Test
    void aJobDeliveredToS3HasNoThumbnailAndSaysWhereItsImageWent() throws Exception {
        Files.createDirectories(work.resolve("completed"));
        Files.writeString(work.resolve("completed/here.png"), "png");
        Files.writeString(work.resolve("completed/here.json"), "{}");
        deliver("here", "file:" + work.resolve("completed") + "?tempPrefix=.writing-");
        deliver("in-s3", "direct:s3-completed");
        deliver("moved-away", "file:" + work.resolve("completed"));
        deliver("sftp", "sftp://banana:hunter22@sftp.example/out?password=hunter22");

        Map<String, StatusSummary.Completed> tiles = new java.util.HashMap<>();
        board.summary().completed().forEach(tile -> tiles.put(tile.id(), tile));

        assertThat(tiles.get("here").image()).isEqualTo("/status/images/inbox/here");
        assertThat(tiles.get("here").record()).isEqualTo("/status/records/inbox/here");
        assertThat(tiles.get("in-s3").image()).isNull();
        assertThat(tiles.get("in-s3").sink()).isEqualTo("direct:s3-completed");
        assertThat(tiles.get("moved-away").image()).as("its file is gone").isNull();
        assertThat(tiles.get("sftp").sink()).isEqualTo("sftp://sftp.example/out").doesNotContain("hunter22");
        assertThat(board.summary().counts().completed()).isEqualTo(4);
    }

    @Test
    void aFailuresReasonLosesTheQueryOfEveryUrlAndAnySecretInIt() throws Exception {
        JobState state = received("refused").submitting(NOW).answered(new RunpodResult("rp-1", RunpodStatus.FAILED,
                10L, 10L, null, JSON.getNodeFactory().textNode("cannot read https://bucket.s3.amazonaws.com/a.png"
                        + "?X-Amz-Signature=abc123&X-Amz-Credential=AKIA1 with key " + SECRET))).failed(false);
        ledger.admit(new JobKey("inbox", "refused"), "f",
                state.withRoute(new JobRoute("inbox", null, "direct:s3-failed", null, true)), "me", Duration.ofMinutes(1));

        StatusSummary.Failed failure = board.summary().failures().get(0);

        assertThat(failure.reason()).isEqualTo("RunPod reports the job FAILED: cannot read "
                + "https://bucket.s3.amazonaws.com/a.png with key ****");
        assertThat(failure.record()).as("its error record is in S3").isNull();
        assertThat(JSON.writeValueAsString(board.summary())).doesNotContain("X-Amz", SECRET);
    }

    @Test
    void theDaysSheetIsDueAMinuteAfterMidnightUtc() {
        assertThat(DailyContactSheet.untilNextSheet(Instant.parse("2026-11-26T23:59:00Z")))
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(DailyContactSheet.untilNextSheet(Instant.parse("2026-11-27T00:00:30Z")))
                .isEqualTo(Duration.ofHours(24).plusSeconds(30));
    }

    private void deliver(String id, String completedSink) {
        ObjectNode output = JSON.createObjectNode().put("image_url", "https://cdn.test/" + id + ".png")
                .put("cost", 0.0875);
        JobState state = received(id).submitting(NOW)
                .answered(new RunpodResult("rp-" + id, RunpodStatus.COMPLETED, 10L, 10L, output, null))
                .kept(work.resolve("spool/" + id + ".png")).delivered();
        ledger.admit(new JobKey("inbox", id), "f-" + id,
                state.withRoute(new JobRoute("inbox", completedSink, null, null, true)), "me", Duration.ofMinutes(1));
    }

    private static JobState received(String id) {
        EditJob job = new EditJob(id, "make it " + id, List.of("https://images.test/a.png"), "1k", null, "png", false,
                "batch.json");
        return JobState.received(JobDraft.of(id, "batch.json", JSON.createObjectNode().put("id", id)),
                JobRoute.alone("inbox"), NOW)
                .withJob(job, job.request());
    }
}
