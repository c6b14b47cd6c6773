package dev.nanobanana.emulator;

import dev.nanobanana.camel.job.InvalidJobException;
import dev.nanobanana.camel.job.JobReader;
import dev.nanobanana.camel.job.JobValidator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The emulator turns away exactly the inputs that the job validator refuses, as both check against RunPod's one
 * contract: a job the pipeline lets through is one the emulator, standing in for RunPod, takes. (What only a job file
 * may hold, an id, a local path or an s3:// reference, the pipeline turns into what RunPod takes before it sends.)
 */
class SameRulesAsTheJobValidatorTest {

    private static final String URL = "\"https://images.test/a.png\"";

    @ParameterizedTest
    @ValueSource(strings = {
            "\"prompt\": \"p\", \"images\": [" + URL + "]",
            "\"prompt\": \"p\", \"images\": [" + URL + "], \"resolution\": \"4k\", \"aspect_ratio\": \"8:1\","
            + " \"output_format\": \"jpeg\", \"enable_base64_output\": true",
            "\"prompt\": \"p\", \"images\": [" + URL + "], \"resolution\": null",
            "\"prompt\": \"p\", \"images\": [" + URL + "], \"aspect_ratio\": null",
            "\"prompt\": \"p\", \"images\": [" + URL + "], \"output_format\": null",
            "\"prompt\": \"p\", \"images\": [" + URL + "], \"enable_base64_output\": null",
            "\"prompt\": \"p\", \"images\": [" + URL + "], \"resolution\": \"8k\"",
            "\"prompt\": \"p\", \"images\": [" + URL + "], \"resolution\": \"1K\"",
            "\"prompt\": \"p\", \"images\": [" + URL + "], \"aspect_ratio\": \"2:1\"",
            "\"prompt\": \"p\", \"images\": [" + URL + "], \"output_format\": \"webp\"",
            "\"prompt\": \"p\", \"images\": [" + URL + "], \"enable_base64_output\": \"yes\"",
            "\"prompt\": \"p\", \"images\": [" + URL + "], \"seed\": 42",
            "\"prompt\": \"p\", \"images\": [\"data:image/png;base64,iVBORw0KGgo=\"]",
            "\"prompt\": \"p\", \"images\": [\"data:image/png;base64,iVBORw0KGgo\"]",
            "\"prompt\": \"p\", \"images\": [\"data:image/png;base64,@@@\"]",
            "\"prompt\": \"p\", \"images\": [\"data:image/png;base64,iVBORw0KGgoA=\"]",
            "\"prompt\": \"p\", \"images\": [\"data:image/png;base64,\"]",
            "\"prompt\": \"p\", \"images\": [\"data:image/png,iVBORw0KGgo=\"]",
            "\"prompt\": \"p\", \"images\": [\"data:text/plain;base64,aGk=\"]",
            "\"prompt\": \"p\", \"images\": [\"ftp://images.test/a.png\"]",
            "\"prompt\": \"p\", \"images\": [\"https:///a.png\"]",
            "\"prompt\": \"p\", \"images\": [3]",
            "\"prompt\": \"p\", \"images\": " + URL,
            "\"prompt\": \"p\", \"images\": []",
            "\"prompt\": \"p\"",
            "\"prompt\": \"  \", \"images\": [" + URL + "]",
            "\"prompt\": 7, \"images\": [" + URL + "]",
            "\"images\": [" + URL + "]"})
    void theEmulatorTakesWhatTheValidatorLetsThroughAndNothingElse(String fields) {
        assertThat(emulatorTakes(fields)).as("the emulator takes {%s}", fields).isEqualTo(validatorTakes(fields));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 14, 15})
    void bothCountTheImagesAlike(int count) {
        String fields = "\"prompt\": \"p\", \"images\": [" + String.join(", ", Collections.nCopies(count, URL)) + "]";

        assertThat(emulatorTakes(fields)).isEqualTo(validatorTakes(fields)).isEqualTo(count <= 14);
    }

    private static boolean validatorTakes(String fields) {
        try {
            new JobValidator("1k", "png").validate(new JobReader().read("job.json",
                    ("{" + fields + "}").getBytes(StandardCharsets.UTF_8)).get(0));
            return true;
        } catch (InvalidJobException e) {
            return false;
        }
    }

    private static boolean emulatorTakes(String fields) {
        try {
            new EditInputParser().parse(("{\"input\": {" + fields + "}}").getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (InvalidInputException e) {
            return false;
        }
    }
}
