package dev.nanobanana.camel.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class JobIdsTest {

    @Test
    void namesWindowsReservesForDevicesAreNeverIds() {
        for (String id : List.of("CON", "con", "Prn", "AUX", "nul", "COM1", "com9", "LPT1", "lpt9", "con.png",
                "NUL.tar.gz", "aux.")) {
            assertThat(JobIds.isSafe(id)).as(id).isFalse();
        }
        for (String id : List.of("console", "con-1", "com10", "lpt", "my.con", "a.nul")) {
            assertThat(JobIds.isSafe(id)).as(id).isTrue();
        }
    }

    @Test
    void anExplicitIdWindowsReservesIsRefusedWithAClearReason() {
        JobValidator validator = new JobValidator("1k", "png");
        JobDraft draft = new JobReader().read("job.json",
                "{\"id\": \"con.png\", \"prompt\": \"p\", \"images\": [\"https://x.test/a.png\"]}"
                        .getBytes(StandardCharsets.UTF_8)).get(0);

        assertThat(draft.id()).isEqualTo("job");
        assertThatThrownBy(() -> validator.validate(draft))
                .hasMessageContaining("id \"con.png\" is not usable: Windows reserves the name CON for a device");
    }

    @Test
    void aFileNamedLikeADeviceGivesAnIdWindowsCanStore() {
        for (String file : List.of("con.json", "CON.yaml", "lpt1.json", "nul.tar.json", "com3.v2.yaml")) {
            String id = JobIds.fromFileName(file);
            assertThat(JobIds.isSafe(id)).as(file + " -> " + id).isTrue();
        }
    }

    @Test
    void differentFileNamesNeverShareAnId() {
        List<String> files = List.of("日本.json", "中国.json", "café.json", "cafe.json", "my shoe.json",
                "my_shoe.json", "a..b.json", "a__b.json", "-x.json", "_-x.json", "x".repeat(200) + ".json",
                "x".repeat(201) + ".json", "con.json", "_con.json");

        List<String> ids = files.stream().map(JobIds::fromFileName).toList();

        assertThat(ids).doesNotHaveDuplicates().allSatisfy(id -> assertThat(JobIds.isSafe(id)).as(id).isTrue());
    }

    @Test
    void accentsBecomePlainLettersAndAReplacedNameGetsAStableHash() {
        assertThat(JobIds.fromFileName("Crème brûlée.yaml")).matches("Creme_brulee-[0-9a-f]{8}");
        assertThat(JobIds.fromFileName("Straße.json")).matches("Strasse-[0-9a-f]{8}");
        assertThat(JobIds.fromFileName("日本.json")).matches("__-[0-9a-f]{8}")
                .isEqualTo(JobIds.fromFileName("inbox/日本.yaml"));
        assertThat(JobIds.fromFileName("shoe.json")).isEqualTo("shoe");
        assertThat(JobIds.fromFileName("x".repeat(300) + ".json")).hasSize(JobIds.MAX_LENGTH);
    }

    @Test
    void theSameNameGivesTheSameIdWhateverItsUnicodeForm() {
        String composed = "caf\u00e9.json";
        String decomposed = "cafe\u0301.json";

        assertThat(JobIds.fromFileName(decomposed)).isEqualTo(JobIds.fromFileName(composed));
    }

    @Test
    void theRuleSaysWhatAnIdMayBe() {
        assertThat(JobIds.rule())
                .contains("letters, digits, '.', '_' and '-'")
                .contains("start with a letter, a digit or '_'")
                .contains("'..'")
                .contains("128 characters")
                .contains("CON, PRN, AUX, NUL, COM0 to COM9, LPT0 to LPT9");
    }
}
