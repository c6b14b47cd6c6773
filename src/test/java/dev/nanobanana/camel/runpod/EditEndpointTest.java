package dev.nanobanana.camel.runpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.Arrays;
import java.util.Base64;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RunPod's contract for the edit endpoint, as docs/runpod-api.md states it, in one place. */
class EditEndpointTest {

    @Test
    void theValuesRunpodTakesAreThoseItDocuments() {
        assertThat(Resolution.WIRE_NAMES).containsExactly("1k", "2k", "4k");
        assertThat(Resolution.DEFAULT).isEqualTo(Resolution.ONE_K);
        assertThat(OutputFormat.WIRE_NAMES).containsExactly("png", "jpeg");
        assertThat(OutputFormat.DEFAULT).isEqualTo(OutputFormat.PNG);
        assertThat(AspectRatio.WIRE_NAMES).containsExactly("1:1", "3:2", "2:3", "3:4", "4:3", "4:5", "5:4", "9:16",
                "16:9", "21:9", "1:4", "4:1", "1:8", "8:1");
        assertThat(EditEndpoint.MAX_IMAGES).isEqualTo(14);
        assertThat(SubmitMode.RUNSYNC.maxBodyBytes()).isEqualTo(20 * 1024 * 1024);
        assertThat(SubmitMode.RUN.maxBodyBytes()).isEqualTo(10 * 1024 * 1024);
        assertThat(Arrays.stream(Resolution.values()).collect(Collectors.toMap(Resolution::wireName,
                resolution -> PriceTable.RUNPOD.priceOf(resolution).toPlainString())))
                .containsOnly(entry("1k", "0.0875"), entry("2k", "0.13"), entry("4k", "0.175"));
    }

    @Test
    void anImageIsAnHttpUrlOrABase64DataUriOfAnImage() {
        assertThat(EditEndpoint.imageProblem("https://images.test/a.png")).isEmpty();
        assertThat(EditEndpoint.imageProblem("HTTP://images.test/a.png")).isEmpty();
        assertThat(EditEndpoint.imageProblem("data:image/png;base64,iVBORw0KGgo=")).isEmpty();
        assertThat(EditEndpoint.imageProblem("data:image/svg+xml;base64,PHN2Zz4=")).isEmpty();
        assertThat(EditEndpoint.imageProblem("ftp://images.test/a.png")).hasValueSatisfying(
                reason -> assertThat(reason).isEqualTo(
                        "is not an absolute http(s) URL or a data:image/<type>;base64,<data> URI"));
        assertThat(EditEndpoint.imageProblem("a.png")).isPresent();
        assertThat(EditEndpoint.imageProblem("https:///a.png")).isPresent();
        assertThat(EditEndpoint.imageProblem("data:text/plain;base64,aGk=")).hasValue(
                "is not a valid data URI: use data:image/<type>;base64,<data>");
        assertThat(EditEndpoint.imageProblem("data:image/png,iVBORw0KGgo=")).isPresent();
        assertThat(EditEndpoint.imageProblem("data:image/png;base64,@@@")).hasValue(
                "is a data URI whose data is not base64: use data:image/<type>;base64,<data>");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "=", "==", "a", "ab", "abc", "abcd", "ab==", "abc=", "ab=", "a=", "a==", "a===",
            "abcd=", "abcd==", "abcd====", "ab=c", "ab c", "ab\nc", "+/+/", "-_-_", "YQ", "YQ=", "YQ==", "YWI", "YWI=",
            "YWJj", "YWJjZA", "YWJjZA=", "YWJjZA==", "YWJjZA===", "é", "aGVsbG8gd29ybGQ"})
    void dataIsBase64ExactlyWhenJavasDecoderReadsItToSomeBytes(String data) {
        boolean decodes;
        try {
            decodes = Base64.getDecoder().decode(data).length > 0;
        } catch (IllegalArgumentException e) {
            decodes = false;
        }

        assertThat(EditEndpoint.imageProblem("data:image/png;base64," + data).isEmpty()).as(data).isEqualTo(decodes);
    }
}
