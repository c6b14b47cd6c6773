package dev.nanobanana.camel.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class JobValidatorTest {

    private final JobValidator validator = new JobValidator("2k", "jpeg");

    private EditJob validate(String json) throws InvalidJobException {
        return validator.validate(new JobReader().read("job.json", json.getBytes(StandardCharsets.UTF_8)).get(0));
    }

    @Test
    void defaultsFromTheConfigurationAreFilledIn() throws InvalidJobException {
        EditJob job = validate("{\"prompt\": \"p\", \"images\": [\"https://x.test/a.png\"]}");

        assertThat(job.resolution()).isEqualTo("2k");
        assertThat(job.outputFormat()).isEqualTo("jpeg");
        assertThat(job.aspectRatio()).isNull();
        assertThat(job.enableBase64Output()).isFalse();
    }

    @Test
    void everyProblemOfAJobIsReportedAtOnce() {
        assertThatThrownBy(() -> validate("""
                {"images": [], "resolution": "8k", "aspect_ratio": "2:1", "output_format": "gif",
                 "enable_base64_output": "yes"}
                """))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("prompt is missing")
                .hasMessageContaining("images holds 0 URLs; RunPod takes 1 to 14")
                .hasMessageContaining("resolution \"8k\" is not one of 1k, 2k, 4k")
                .hasMessageContaining("aspect_ratio \"2:1\" is not one of")
                .hasMessageContaining("output_format \"gif\" is not one of png, jpeg")
                .hasMessageContaining("enable_base64_output must be true or false");
    }

    @Test
    void aMistypedFieldIsNamedWithItsLikelyMeaning() {
        assertThatThrownBy(() -> validate("{\"promt\": \"p\", \"images\": [\"https://x.test/a.png\"]}"))
                .hasMessageContaining("unknown field \"promt\" (did you mean \"prompt\"?)");
    }

    @Test
    void imagesMustBeHttpUrlsOrDataUris() throws InvalidJobException {
        assertThat(validate("{\"prompt\": \"p\", \"images\": [\"data:image/png;base64,iVBORw0KGgo=\"]}").images())
                .hasSize(1);
        assertThatThrownBy(() -> validate("{\"prompt\": \"p\", \"images\": [\"ftp://x.test/a.png\", 3]}"))
                .hasMessageContaining("images[0] \"ftp://x.test/a.png\" is not an http(s) URL")
                .hasMessageContaining("images[1] is not a string");
    }

    @Test
    void aDataUriWhoseDataIsNotBase64IsRefusedBeforeAnythingIsPaidFor() {
        assertThatThrownBy(() -> validate("{\"prompt\": \"p\", \"images\": [\"data:image/png;base64,@@@\"]}"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("images[0] is a data URI whose data is not base64: use "
                                      + "data:image/<type>;base64,<data>");
    }

    @Test
    void aChoiceLeftAsNullIsNoneOfTheValuesRunpodTakes() {
        assertThatThrownBy(() -> validate("{\"prompt\": \"p\", \"images\": [\"https://x.test/a.png\"], "
                                          + "\"resolution\": null}"))
                .hasMessageContaining("resolution null is not one of 1k, 2k, 4k");
    }

    @Test
    void fifteenImagesAreTooMany() {
        String images = "\"https://x.test/a.png\",".repeat(15);
        assertThatThrownBy(() -> validate("{\"prompt\": \"p\", \"images\": [" + images.substring(0,
                images.length() - 1) + "]}"))
                .hasMessageContaining("images holds 15 URLs; RunPod takes 1 to 14");
    }

    @Test
    void anUnsafeIdIsRefused() {
        assertThatThrownBy(() -> validate("{\"id\": \"../x\", \"prompt\": \"p\", \"images\": [\"https://x.test\"]}"))
                .hasMessageContaining("id \"../x\" is not usable");
    }

    @Test
    void aHugeValueIsQuotedOnlyInAShortExcerpt() {
        String huge = "x".repeat(1_000_000);
        String longName = "x".repeat(40_000);

        assertThatThrownBy(() -> validate("{\"" + longName + "\": 1, \"id\": \"" + huge + "\", \"prompt\": [\"" + huge
                                          + "\"], \"images\": [\"https://x.test/a.png\"], \"resolution\": \"" + huge
                                          + "\"}"))
                .isInstanceOf(InvalidJobException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(2000));
    }

    @Test
    void manyUnknownFieldsAreCountedNotListed() {
        StringBuilder fields = new StringBuilder("{\"prompt\": \"p\", \"images\": [\"https://x.test/a.png\"]");
        for (int i = 0; i < 1000; i++) {
            fields.append(", \"extra").append(i).append("\": 1");
        }

        assertThatThrownBy(() -> validate(fields + "}"))
                .hasMessageContaining("unknown field \"extra9\"")
                .hasMessageContaining("and 990 more unknown fields")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(3000));
    }
}
