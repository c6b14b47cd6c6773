package dev.nanobanana.camel.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.camel.job.JobValidator;
import dev.nanobanana.camel.runpod.PriceTable;

/** A dry run prices what the inbox holds, names the invalid jobs and why, and leaves the inbox as it was. */
class DryRunTest {

    @TempDir
    Path work;

    private final DryRun dryRun = new DryRun(new JobValidator("1k", "png"), PriceTable.RUNPOD, 1024 * 1024);

    @Test
    void aMixedBatchIsPricedPerResolutionAndTheInvalidJobIsNamedWithItsReason() throws Exception {
        Path inbox = inboxWith();

        DryRunReport report = dryRun.price(inbox);

        assertThat(report.jobs()).extracting(DryRunReport.PricedJob::id, DryRunReport.PricedJob::resolution)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("batch", "2k"),
                        org.assertj.core.groups.Tuple.tuple("batch-2", "4k"),
                        org.assertj.core.groups.Tuple.tuple("batch-3", "1k"),
                        org.assertj.core.groups.Tuple.tuple("shoe", "1k"));
        assertThat(report.jobs()).extracting(DryRunReport.PricedJob::priceUsd)
                .usingElementComparator(java.math.BigDecimal::compareTo)
                .containsExactly(new java.math.BigDecimal("0.13"), new java.math.BigDecimal("0.175"),
                        new java.math.BigDecimal("0.0875"), new java.math.BigDecimal("0.0875"));
        assertThat(report.totalUsd()).isEqualByComparingTo("0.48");
        assertThat(report.invalid()).singleElement().satisfies(job -> {
            assertThat(job.id()).isEqualTo("typo");
            assertThat(job.file()).endsWith("typo.json");
            assertThat(job.reason()).contains("unknown field \"promt\" (did you mean \"prompt\"?)");
        });
    }

    @Test
    void theReportIsWrittenAsJsonAndAsATableAndNoJobFileIsMovedOrTouched() throws Exception {
        Path inbox = inboxWith();
        FileTime before = Files.getLastModifiedTime(inbox.resolve("batch.yaml"));
        List<String> filesBefore = listing(inbox);
        Path out = work.resolve("out");

        dryRun.price(inbox).writeTo(out);

        assertThat(listing(inbox)).isEqualTo(filesBefore);
        assertThat(Files.getLastModifiedTime(inbox.resolve("batch.yaml"))).isEqualTo(before);
        JsonNode json = new ObjectMapper().readTree(out.resolve("dry-run.json").toFile());
        assertThat(json.get("totalUsd").decimalValue()).isEqualByComparingTo("0.48");
        assertThat(json.get("jobs")).hasSize(4);
        assertThat(json.at("/jobs/1/priceUsd").decimalValue()).isEqualByComparingTo("0.175");
        assertThat(json.at("/invalid/0/reason").asText()).contains("promt");
        String table = Files.readString(out.resolve("dry-run.txt"));
        assertThat(table).contains("nothing was sent, no file was moved")
                .containsPattern("batch\\.yaml +batch-2 +4k +0\\.175")
                .contains("4 job(s) would be sent, for 0.48 USD.")
                .contains("1 job(s) are invalid and would not be sent:")
                .contains("typo: unknown field \"promt\"");
        assertThat(listing(out)).containsExactly("dry-run.json", "dry-run.txt");
    }

    @Test
    void aFileOverTheSizeLimitIsInvalidUnread() throws Exception {
        Path inbox = Files.createDirectories(work.resolve("inbox"));
        Files.writeString(inbox.resolve("huge.json"), "{\"prompt\": \"" + "x".repeat(2000) + "\"}");

        DryRunReport report = new DryRun(new JobValidator("1k", "png"), PriceTable.RUNPOD, 1000).price(inbox);

        assertThat(report.jobs()).isEmpty();
        assertThat(report.invalid()).singleElement().extracting(DryRunReport.InvalidJob::reason).asString()
                .contains("a job file may be at most").contains("nanobanana.max-job-file-bytes");
    }

    /** Three files: a batch of 2k, 4k and the default resolution; one job of 1k; one with a typo. */
    private Path inboxWith() throws IOException {
        Path inbox = Files.createDirectories(work.resolve("inbox"));
        Files.writeString(inbox.resolve("batch.yaml"), """
                jobs:
                  - {prompt: one, images: [https://images.test/a.png], resolution: 2k}
                  - {prompt: two, images: [https://images.test/a.png], resolution: 4k}
                  - {prompt: three, images: [https://images.test/a.png]}
                """);
        Files.writeString(inbox.resolve("shoe.json"),
                "{\"prompt\": \"Make it yellow\", \"images\": [\"https://images.test/shoe.png\"], \"resolution\": \"1k\"}");
        Files.writeString(inbox.resolve("typo.json"),
                "{\"promt\": \"Make it yellow\", \"images\": [\"https://images.test/shoe.png\"]}");
        Files.writeString(inbox.resolve("notes.txt"), "not a job file");
        Files.createDirectories(inbox.resolve(".done"));
        Files.writeString(inbox.resolve(".done/old.json"), "{\"prompt\": \"old\", \"images\": [\"https://images.test/a.png\"]}");
        return inbox;
    }

    private static List<String> listing(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).map(file -> folder.relativize(file).toString()).sorted().toList();
        }
    }
}
