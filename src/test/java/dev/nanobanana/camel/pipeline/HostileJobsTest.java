package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.nanobanana.emulator.Operation;
import dev.nanobanana.camel.testing.PipelineTestSupport;

/** Job files that are valid in form but hostile in content: each gets a named record, and the next file goes on. */
class HostileJobsTest extends PipelineTestSupport {

    @Override
    public Properties settings() {
        Properties settings = super.settings();
        // big enough to let a huge job file be read, so that its content is what is judged
        settings.setProperty("nanobanana.max-job-file-bytes", "80MB");
        return settings;
    }

    @Test
    void hugePromptIsRefusedForWhatItIsAndItsRecordStaysSmall() throws Exception {
        drop("big50.json", "{\"prompt\": \"" + "x".repeat(50 * 1024 * 1024) + "\", \"images\": [\"https://images.test/a.png\"]}");
        drop("after.json", PipelineTest.job(""));

        JsonNode record = json(failed.resolve("big50.error.json"));
        assertThat(record.get("reason").asText()).contains("of it, the prompt is 50.0 MB: shorten the prompt")
                .doesNotContain("data: URI");
        assertThat(record.at("/job/prompt").asText()).endsWith("[cut: 52428800 characters in all]");
        assertThat(Files.size(failed.resolve("big50.error.json"))).isLessThan(200_000);
        assertThat(json(completed.resolve("after.json")).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void valueLongerThanAJobFileMayHoldIsSaidSoNotCalledInvalidJson() throws Exception {
        drop("big70.json", "{\"prompt\": \"" + "x".repeat(70 * 1024 * 1024) + "\", \"images\": []}");

        assertThat(json(failed.resolve("big70.error.json")).get("reason").asText())
                .contains("holds a value longer than").doesNotContain("is not valid JSON");
        assertThat(Files.size(failed.resolve("big70.error.json"))).isLessThan(200_000);
    }

    @Test
    void yamlAnchorsAndMergeKeysAreExpandedAndABillionLaughsIsRefusedAtOnce() throws Exception {
        drop("anchored.yaml", """
                jobs:
                  - &common {id: base, prompt: base, images: [https://images.test/a.png], resolution: 2k}
                  - {<<: *common, id: first, prompt: one}
                  - {<<: *common, id: second, prompt: two, resolution: 1k}
                """);
        StringBuilder laughs = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            laughs.append(c).append(": &").append(c).append(" [").append(("*" + (char) (c - 1) + ",").repeat(9))
                    .append("*").append((char) (c - 1)).append("]\n");
        }
        drop("laughs.yaml", laughs.toString());

        assertThat(json(completed.resolve("first.json")).at("/request/input/resolution").asText()).isEqualTo("2k");
        assertThat(json(completed.resolve("second.json")).at("/request/input/resolution").asText()).isEqualTo("1k");
        assertThat(json(failed.resolve("laughs.error.json")).get("reason").asText()).containsIgnoringCase("alias");
        processed(".failed", "laughs.yaml");
    }

    @Test
    void unicodeFileNamesGiveDistinctIdsAndDeviceNamesAreNeverIds() throws Exception {
        drop("日本.json", PipelineTest.job(""));
        drop("中国.json", PipelineTest.job(""));
        drop("con.json", PipelineTest.job(""));
        drop("nul-id.json", PipelineTest.job("\"id\": \"NUL\""));

        processed(".done", "日本.json");
        processed(".done", "中国.json");
        processed(".done", "con.json");
        assertThat(json(failed.resolve("nul-id.error.json")).get("reason").asText())
                .contains("Windows reserves the name NUL");
        try (var files = Files.list(completed)) {
            assertThat(files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".png")))
                    .hasSize(3).noneMatch(name -> name.equalsIgnoreCase("con.png")).contains("__-cf2abf0c.png",
                            "__-f0e95216.png");
        }
    }
}
