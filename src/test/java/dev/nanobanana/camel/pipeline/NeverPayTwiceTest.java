package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import javax.imageio.ImageIO;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.nanobanana.camel.job.JobKey;
import dev.nanobanana.camel.ledger.StoredJob;
import dev.nanobanana.emulator.Fault;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.camel.testing.PipelineTestSupport;
import dev.nanobanana.camel.testing.LogCapture;

/** A job is paid for once, whatever happens to its file: dropped twice, copied back, re-dropped from .failed. */
class NeverPayTwiceTest extends PipelineTestSupport {

    @RegisterExtension
    final LogCapture logs = new LogCapture(Level.INFO);

    @Test
    void theSameFileDroppedAgainOrCopiedBackFromDoneCostsNothing() throws Exception {
        drop("shoe.json", PipelineTest.job(""));
        processed(".done", "shoe.json");
        Path done = inbox.resolve(".done/shoe.json");

        Files.copy(done, work.resolve("shoe.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.delete(done);
        Files.move(work.resolve("shoe.json"), inbox.resolve("shoe.json"));
        processed(".done", "shoe.json");

        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
        assertThat(logs.lines()).anyMatch(line -> line.contains("Job inbox/shoe was delivered already")
                                                  && line.contains("not sent again"));
        assertThat(ImageIO.read(completed.resolve("shoe.png").toFile())).isNotNull();
    }

    @Test
    void aFileDroppedAgainAfterItsJobOutlivedKeepForCostsNothing() throws Exception {
        drop("shoe.json", PipelineTest.job(""));
        processed(".done", "shoe.json");
        LedgerClerk clerk = context.getRegistry().lookupByNameAndType(PipelineBeans.LEDGER_CLERK, LedgerClerk.class);
        StoredJob before = clerk.ledger().find(new JobKey("inbox", "shoe")).orElseThrow();
        clerk.keepFinishedFor(Duration.ofMillis(1));
        await().atMost(WAIT).until(() -> clerk.pruneFinished() == 1);
        StoredJob pruned = clerk.ledger().find(new JobKey("inbox", "shoe")).orElseThrow();
        assertThat(pruned.state().request()).isNull();
        assertThat(pruned.fingerprint()).isEqualTo(before.fingerprint());

        Files.move(inbox.resolve(".done/shoe.json"), work.resolve("shoe.json"));
        Files.move(work.resolve("shoe.json"), inbox.resolve("shoe.json"));
        processed(".done", "shoe.json");

        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
        assertThat(logs.lines()).anyMatch(line -> line.contains("Job inbox/shoe was delivered already")
                                                  && line.contains("not sent again"));
    }

    @Test
    void theSameJobInTwoFilesAtOnceIsSentOnceAndBothFilesEndAsItDoes() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.jobRunsFor(java.time.Duration.ofSeconds(3)));
        String job = PipelineTest.job("\"id\": \"twin\"");
        Files.writeString(work.resolve("first.json"), job);
        Files.writeString(work.resolve("second.json"), job);
        Files.move(work.resolve("first.json"), inbox.resolve("first.json"));
        Files.move(work.resolve("second.json"), inbox.resolve("second.json"));

        processed(".done", "first.json");
        processed(".done", "second.json");
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
        assertThat(logs.lines()).anyMatch(line -> line.contains("Job inbox/twin is on its way already")
                                                  && line.contains("not sent again"));
        assertThat(ImageIO.read(completed.resolve("twin.png").toFile())).isNotNull();
    }

    @Test
    void anotherRequestUnderAnIdInUseIsRefused() throws Exception {
        drop("one.json", PipelineTest.job("\"id\": \"shared\""));
        processed(".done", "one.json");
        drop("two.json", "{\"id\": \"shared\", \"prompt\": \"something else\", \"images\": [\"https://images.test/b.png\"]}");

        JsonNode record = json(failed.resolve("shared.error.json"));
        assertThat(record.get("reason").asText()).contains("id \"shared\" is in use by another job (from ")
                .contains("one.json").contains("give this job an id of its own");
        processed(".failed", "two.json");
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
        assertThat(json(completed.resolve("shared.json")).at("/request/input/prompt").asText())
                .isEqualTo("Make the sneaker yellow");
    }

    @Test
    void aFileDroppedAgainFromFailedRunsOnlyItsFailedJobs() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.jobFails("bad input"));
        String batch = """
                jobs:
                  - {id: first, prompt: one, images: [https://images.test/a.png]}
                  - {id: second, prompt: two, images: [https://images.test/a.png]}
                  - {id: third, prompt: three, images: [https://images.test/a.png]}
                """;
        drop("batch.yaml", batch);
        Path failedFile = processed(".failed", "batch.yaml");
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(3);

        Files.delete(failedFile);
        drop("batch.yaml", batch);

        processed(".done", "batch.yaml");
        // the one that failed ran again; the two that completed were not paid again
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(4);
        try (var images = Files.list(completed)) {
            assertThat(images.filter(file -> file.toString().endsWith(".png"))).hasSize(3);
        }
    }

    @Test
    void aSinkThatIsDownGetsThePaidImageOnceItIsBackWithoutPayingAgain() throws Exception {
        Files.createDirectories(completed.getParent());
        Files.writeString(completed, "not a folder");
        drop("shoe.json", PipelineTest.job(""));

        JsonNode record = json(failed.resolve("shoe.error.json"));
        assertThat(record.get("reason").asText()).contains("its delivery is tried again until the sink takes it");
        processed(".failed", "shoe.json");

        Files.delete(completed);
        assertThat(ImageIO.read(awaitFile(completed.resolve("shoe.png")).toFile())).isNotNull();
        assertThat(json(completed.resolve("shoe.json")).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
        await().atMost(WAIT).untilAsserted(() -> {
            try (var kept = Files.list(spool)) {
                assertThat(kept).isEmpty();
            }
        });
    }

    @Test
    void aDoneFolderThatCannotBeWrittenStopsIntakeWithOneLineAndPaysOnce() throws Exception {
        emulator.inject(Operation.RUNSYNC, Fault.jobRunsFor(java.time.Duration.ofSeconds(2)));
        drop("shoe.json", PipelineTest.job(""));
        await().atMost(WAIT).until(() -> emulator.requests(Operation.RUNSYNC).size() == 1);
        // while the job runs, .done becomes something no file can be moved into
        Files.writeString(inbox.resolve(".done"), "not a folder");

        awaitFile(completed.resolve("shoe.json"));
        Thread.sleep(4000);
        assertThat(inbox.resolve("shoe.json")).exists();
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
        assertThat(logs.lines(Level.WARN)).filteredOn(line -> line.contains(".done is not a folder"))
                .hasSize(1);
    }
}
