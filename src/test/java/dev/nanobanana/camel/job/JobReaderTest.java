package dev.nanobanana.camel.job;

import static org.assertj.core.api.Assertions.assertThat;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
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

    @Test
    void aJobRepeatedThroughAYamlAnchorIsAJobToo() {
        List<JobDraft> drafts = read("twice.yaml", """
                - &shoe {prompt: Make the sneaker yellow, images: [https://x.test/shoe.png]}
                - *shoe
                """);

        assertThat(drafts).extracting(JobDraft::id).containsExactly("twice", "twice-2");
        assertThat(drafts).allSatisfy(draft -> assertThat(draft.problem()).isNull());
        assertThat(drafts.get(1).fields()).isEqualTo(drafts.get(0).fields());
    }

    @Test
    void yamlAliasesShareValuesBetweenJobs() {
        List<JobDraft> drafts = read("shared.yaml", """
                jobs:
                  - id: front
                    prompt: &prompt Make the sneaker yellow
                    images: &images [https://x.test/front.png, https://x.test/logo.png]
                  - id: back
                    prompt: *prompt
                    images: *images
                """);

        JsonNode back = drafts.get(1).fields();
        assertThat(back.get("prompt").asText()).isEqualTo("Make the sneaker yellow");
        assertThat(back.get("images")).hasSize(2);
    }

    @Test
    void yamlMergeKeysGiveJobsSharedDefaultsThatTheyMayOverride() throws InvalidJobException {
        List<JobDraft> drafts = read("defaults.yaml", """
                - &defaults
                  prompt: Place the mug on a marble counter
                  images: [https://x.test/mug.png]
                  resolution: 2k
                - <<: *defaults
                  resolution: 4k
                - <<: [{output_format: jpeg, resolution: 1k}, *defaults]
                """);

        JsonNode second = drafts.get(1).fields();
        assertThat(second.has("<<")).isFalse();
        assertThat(second.get("prompt").asText()).isEqualTo("Place the mug on a marble counter");
        assertThat(second.get("resolution").asText()).isEqualTo("4k");
        EditJob third = new JobValidator("1k", "png").validate(drafts.get(2));
        assertThat(third.resolution()).isEqualTo("1k");
        assertThat(third.outputFormat()).isEqualTo("jpeg");
        assertThat(third.images()).containsExactly("https://x.test/mug.png");
    }

    @Test
    void aBillionLaughsFileIsRefusedQuicklyWithAPlainReason() {
        StringBuilder lol = new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (char level = 'b'; level <= 'i'; level++) {
            String previous = "*" + (char) (level - 1);
            lol.append(level).append(": &").append(level).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(9, previous))).append("]\n");
        }

        List<JobDraft> drafts = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> read("lol.yaml",
                lol.toString()));

        assertThat(drafts).singleElement().satisfies(draft -> assertThat(draft.problem())
                .isEqualTo("lol.yaml repeats more than 100000 values through its aliases (each alias stands for "
                           + "all the values of its anchor); a job file may repeat at most 100000"));
    }

    @Test
    void aNarrowButDeepAliasChainIsBoundedToo() {
        StringBuilder doubling = new StringBuilder("- &l0 [lol, lol]\n");
        for (int level = 1; level <= 40; level++) {
            doubling.append("- &l").append(level).append(" [*l").append(level - 1).append(", *l").append(level - 1)
                    .append("]\n");
        }

        List<JobDraft> drafts = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> read("deep.yaml",
                doubling.toString()));

        assertThat(drafts).singleElement().satisfies(draft -> assertThat(draft.problem())
                .contains("repeats more than 100000 values through its aliases"));
    }

    @Test
    void aliasesOfABigValueMayNotExpandBeyondWhatAFileMayHold() {
        String line = "  " + "a".repeat(1022) + "\n";
        String yaml = "prompt: &big |\n" + line.repeat(10 * 1024) + "images: [*big, *big, *big, *big, *big, *big, *big]\n";

        assertThat(read("wide.yaml", yaml).get(0).problem()).isEqualTo("wide.yaml holds more than 67108864 characters "
                + "(64 MB) with its aliases expanded, the most a job file may hold");
    }

    @Test
    void yamlNestedBeyondAnyJobIsRefused() {
        String yaml = "prompt: " + "[".repeat(60) + "]".repeat(60) + "\n";

        assertThat(read("deep.yaml", yaml).get(0).problem())
                .isEqualTo("deep.yaml nests lists and objects more than 50 levels deep; a job file needs four");
    }

    @Test
    void anAliasInsideItsOwnAnchorIsRefused() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThat(read("loop.yaml", "prompt: &a [p, *a]\n").get(0).problem())
                    .isEqualTo("loop.yaml is not usable at line 1, column 9: the anchor &a is used inside its own "
                               + "value, which would never end");
            assertThat(read("merge-loop.yaml", "&a {prompt: p, <<: *a}\n").get(0).problem())
                    .contains("the anchor &a is used inside its own value");
        });
    }

    @Test
    void yamlWithoutAnchorsReadsAsItAlwaysDid() throws Exception {
        String yaml = """
                text: plain words
                quoted: "16:9"
                ratio: 16:9
                resolution: 1k
                yes: yes
                on: off
                truth: true
                nothing: ~
                spelledNull: null
                empty:
                emptyQuoted: ""
                number: 42
                negative: -7
                big: 12345678901234567890
                hex: 0x1F
                octal: 017
                underscored: 1_000
                float: 1.5
                exponent: 6.0e+3
                date: 2001-12-14
                explicitString: !!str 42
                explicitInt: !!int "42"
                list: [a, 1, true, null]
                nested: {a: {b: [1, 2]}}
                block: |
                  line one
                  line two
                """;

        // the YAML parser this reader used before it expanded anchors, set up as it was
        JsonNode before = YAMLMapper.builder(YAMLFactory.builder().build()).build().readTree(yaml);

        assertThat(read("same.yaml", yaml).get(0).fields()).isEqualTo(before);
    }

    @Test
    void brokenYamlSaysWhereAndWhat() {
        assertThat(read("broken.yaml", "prompt: [a, b\nimages: x\n").get(0).problem())
                .startsWith("broken.yaml is not valid YAML at line 2, column ")
                .contains("while parsing a flow sequence")
                .contains("expected ',' or ']'");
        assertThat(read("dup.yaml", "prompt: a\nprompt: b\n").get(0).problem())
                .isEqualTo("dup.yaml is not valid YAML at line 2, column 1: Duplicate field 'prompt'");
        assertThat(read("two.yaml", "prompt: a\n---\nprompt: b\n").get(0).problem())
                .isEqualTo("two.yaml holds more than one YAML document (another starts at line 2): put all its "
                           + "jobs in one document, as a list");
    }

    @Test
    void aValueTooLongForAJsonJobFileIsNamedAsSuch() {
        byte[] content = ("{\"prompt\": \"" + "a".repeat(70 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);

        String problem = reader.read("huge.json", content).get(0).problem();

        assertThat(problem)
                .startsWith("huge.json holds a value longer than 67108864 characters (64 MB), the most one value "
                            + "of a job file may hold")
                .doesNotContain("not valid JSON");
    }

    @Test
    void aYamlFileOverTheSizeLimitIsNamedAsSuch() {
        String line = "  " + "a".repeat(1022) + "\n";
        byte[] content = ("prompt: |\n" + line.repeat(65 * 1024)).getBytes(StandardCharsets.UTF_8);

        String problem = reader.read("huge.yaml", content).get(0).problem();

        assertThat(problem).isEqualTo("huge.yaml is longer than 67108864 characters (64 MB), the most a YAML job file "
                                      + "may hold");
    }

    @Test
    void aYamlLineLongerThanAWholeJobIsRefusedBeforeItIsParsed() {
        String dataUri = "data:image/png;base64," + "A".repeat(21 * 1024 * 1024);
        byte[] content = ("prompt: p\nimages: [" + dataUri + "]\n").getBytes(StandardCharsets.UTF_8);

        List<JobDraft> drafts = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> reader.read("inline.yaml",
                content));

        assertThat(drafts.get(0).problem()).isEqualTo("inline.yaml has a line of 21.0 MB (line 2); a YAML job file "
                                                      + "may have lines of at most 20 MB, RunPod's limit for a whole "
                                                      + "job (a JSON job file has no such limit): use image URLs "
                                                      + "rather than data: URIs");
    }

    @Test
    void anUnreadableFileIsQuotedOnlyInAShortExcerpt() {
        String token = "x".repeat(1_000_000);

        assertThat(read("junk.json", "{\"prompt\": " + token + "}").get(0).problem()).hasSizeLessThan(300);
        assertThat(read("junk.yaml", "prompt: p\n\t" + token + ": [\n").get(0).problem()).hasSizeLessThan(300);
        assertThat(read("beside.json", "{\"jobs\": [], \"" + token.substring(0, 40_000) + "\": 1}").get(0).problem())
                .hasSizeLessThan(300);
    }
}
