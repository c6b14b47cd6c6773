package dev.nanobanana.camel.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class JobReaderTest {

    private final JobReader reader = new JobReader();

    private List<JobDraft> read(String name, String content) {
        return reader.read(name, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void singleJobIsNamedAfterItsFile() {
        List<JobDraft> drafts = read("shoe.json", "{\"prompt\": \"p\", \"images\": [\"https://x.test/a.png\"]}");

        assertThat(drafts).singleElement().satisfies(draft -> {
            assertThat(draft.id()).isEqualTo("shoe");
            assertThat(draft.problem()).isNull();
            assertThat(draft.fields().get("prompt").asText()).isEqualTo("p");
        });
    }

    @Test
    void laterJobsOfAFileGetNumberedIdsUnlessTheyHaveTheirOwn() {
        List<JobDraft> drafts = read("batch.yaml", """
                jobs:
                  - prompt: one
                  - prompt: two
                    id: custom
                  - prompt: three
                """);

        assertThat(drafts).extracting(JobDraft::id).containsExactly("batch", "custom", "batch-3");
    }

    @Test
    void topLevelListAndRawRunsyncBodyAreJobsToo() {
        assertThat(read("list.json", "[{\"prompt\": \"a\"}, {\"prompt\": \"b\"}]")).hasSize(2);

        List<JobDraft> raw = read("raw.json", "{\"input\": {\"prompt\": \"p\", \"images\": []}}");
        assertThat(raw).singleElement()
                .satisfies(draft -> assertThat(draft.fields().get("prompt").asText()).isEqualTo("p"));
    }

    @Test
    void malformedJsonBecomesOneDraftThatSaysWhereTheFileIsBroken() {
        List<JobDraft> drafts = read("broken.json", "{\"prompt\": \"p\",\n  \"images\": [\"a\" \n}");

        assertThat(drafts).singleElement().satisfies(draft -> {
            assertThat(draft.id()).isEqualTo("broken");
            assertThat(draft.problem()).isEqualTo("broken.json is not valid JSON at line 3, column 1: Unexpected close marker '}': "
                            + "expected ']' (for Array starting at [line: 2, column: 13])");
        });
    }

    @Test
    void duplicateFieldsAndEmptyFilesAreProblems() {
        assertThat(read("dup.json", "{\"prompt\": \"a\", \"prompt\": \"b\"}").get(0).problem())
                .contains("Duplicate field 'prompt'");
        assertThat(read("empty.yaml", "").get(0).problem()).isEqualTo("empty.yaml is empty: it holds no job");
        assertThat(read("none.json", "{\"jobs\": []}").get(0).problem()).contains("empty list of jobs");
    }

    @Test
    void anIdThatWouldLeaveTheSinkIsNeverUsedAsTheFileName() {
        List<JobDraft> drafts = read("evil.json", "{\"id\": \"../../etc/passwd\", \"prompt\": \"p\"}");

        assertThat(drafts.get(0).id()).isEqualTo("evil");
    }

    @Test
    void aRepeatedIdIsAProblemOfTheLaterJob() {
        List<JobDraft> drafts = read("twice.json", "[{\"id\": \"a\", \"prompt\": \"p\"}, {\"id\": \"a\", \"prompt\": \"q\"}]");

        assertThat(drafts.get(0).problem()).isNull();
        assertThat(drafts.get(1).id()).isEqualTo("twice-2");
        assertThat(drafts.get(1).problem()).contains("id \"a\" is used by an earlier job");
    }

    @Test
    void fileNamesBecomeSafeIds() {
        assertThat(JobIds.fromFileName("inbox/my shoe (1).json")).matches("my_shoe__1_-[0-9a-f]{8}");
        assertThat(JobIds.fromFileName("-x.yaml")).matches("_-x-[0-9a-f]{8}");
        assertThat(JobIds.isSafe("..")).isFalse();
        assertThat(JobIds.isSafe("a/b")).isFalse();
        assertThat(JobIds.isSafe("shoe-2.v1")).isTrue();
    }
}
