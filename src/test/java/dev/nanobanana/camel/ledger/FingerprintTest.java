package dev.nanobanana.camel.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import dev.nanobanana.camel.runpod.RunsyncRequest;

class FingerprintTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunsyncRequest shoe = new RunsyncRequest(
            new RunsyncRequest.Input(List.of("photos/shoe.png"), "make the shoe red", "2k", "3:2", "png", false));

    @Test
    void isTheSha256OfTheRequestWithItsKeysSortedAndNoSpaces() throws Exception {
        String canonical = "{\"input\":{\"aspect_ratio\":\"3:2\",\"enable_base64_output\":false,"
                + "\"images\":[\"photos/shoe.png\"],\"output_format\":\"png\",\"prompt\":\"make the shoe red\","
                + "\"resolution\":\"2k\"}}";

        // pinned: a change here would make every job in a ledger look like another job with the same id
        assertThat(Fingerprint.of(shoe)).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void theSameRequestWrittenInAnotherOrderHasTheSameFingerprint() throws Exception {
        String reordered = "{\"input\": {\"resolution\": \"2k\", \"prompt\": \"make the shoe red\", "
                + "\"output_format\": \"png\", \"images\": [\"photos/shoe.png\"], \"enable_base64_output\": false, "
                + "\"aspect_ratio\": \"3:2\"}}";

        assertThat(Fingerprint.of(JSON.readTree(reordered))).isEqualTo(Fingerprint.of(shoe));
    }

    @Test
    void anyChangeToTheRequestIsAnotherJob() {
        RunsyncRequest blue = new RunsyncRequest(
                new RunsyncRequest.Input(List.of("photos/shoe.png"), "make the shoe blue", "2k", "3:2", "png", false));

        assertThat(Fingerprint.of(blue)).isNotEqualTo(Fingerprint.of(shoe));
        assertThat(Fingerprint.of(shoe.withImages(List.of("photos/other.png")))).isNotEqualTo(Fingerprint.of(shoe));
    }
}
