package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.nanobanana.emulator.Operation;
import dev.nanobanana.camel.testing.PipelineTestSupport;

/** Every kind of invalid job is refused before any request, with a reason that says what to fix. */
class InvalidJobTest extends PipelineTestSupport {

    static Stream<Arguments> invalidJobs() {
        String fifteen = "\"https://images.test/a.png\", ".repeat(14) + "\"https://images.test/a.png\"";
        return Stream.of(
                Arguments.of("no-prompt.json", "{\"images\": [\"https://images.test/a.png\"]}",
                        "no-prompt", "prompt is missing"),
                Arguments.of("no-images.json", "{\"prompt\": \"p\", \"images\": []}",
                        "no-images", "images holds 0 URLs; RunPod takes 1 to 14"),
                Arguments.of("too-many.json", "{\"prompt\": \"p\", \"images\": [" + fifteen + "]}",
                        "too-many", "images holds 15 URLs; RunPod takes 1 to 14"),
                Arguments.of("eight-k.yaml", "prompt: p\nimages: [https://images.test/a.png]\nresolution: 8k\n",
                        "eight-k", "resolution \"8k\" is not one of 1k, 2k, 4k"),
                Arguments.of("typo.json", "{\"promt\": \"p\", \"images\": [\"https://images.test/a.png\"]}",
                        "typo", "unknown field \"promt\" (did you mean \"prompt\"?)"),
                Arguments.of("broken.json", "{\"prompt\": \"p\",\n \"images\": [\"https://images.test/a.png\"\n",
                        "broken", "is not valid JSON at line 3"),
                Arguments.of("escape.json",
                        "{\"id\": \"../../outside\", \"prompt\": \"p\", \"images\": [\"https://images.test/a.png\"]}",
                        "escape", "id \"../../outside\" is not usable"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidJobs")
    void invalidJobIsRefusedBeforeAnyRequestWithAClearReason(String file, String content, String id, String reason)
            throws Exception {
        drop(file, content);

        JsonNode record = json(failed.resolve(id + ".error.json"));
        assertThat(record.get("reason").asText())
                .startsWith("invalid job: ")
                .contains(reason)
                .endsWith("Nothing was sent to RunPod: fix the job and drop it into the inbox again");
        assertThat(record.get("jobId").asText()).isEqualTo(id);
        assertThat(record.get("sourceFile").asText()).endsWith(file);
        assertThat(processed(".failed", file)).exists();
        assertThat(emulator.requests(Operation.RUNSYNC)).isEmpty();
        try (Stream<java.nio.file.Path> everything = Files.walk(work)) {
            assertThat(everything.map(path -> path.getFileName().toString()))
                    .noneMatch(name -> name.startsWith("outside"));
        }
    }
}
