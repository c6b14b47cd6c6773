package dev.nanobanana.emulator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;

import static dev.nanobanana.emulator.EmulatorClient.decode;
import static dev.nanobanana.emulator.EmulatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** A load test that asks for big images gets them at no cost to the emulator: one PNG of the asked size for every job. */
class FixedSizeImageTest {

    @Test
    void everyJobGetsTheSameValidPngOfAboutTheAskedSize() throws IOException {
        try (RunpodEmulator emulator = RunpodEmulator.start(EmulatorSettings.defaults()
                .withLatency(Duration.ofMillis(20)).withImageBytes(200_000))) {
            EmulatorClient client = new EmulatorClient(emulator);

            String small = json(client.runsync("")).at("/output/image_url").asText();
            String big = json(client.runsync("\"resolution\": \"4k\", \"output_format\": \"jpeg\"")).at("/output/image_url").asText();

            HttpResponse<byte[]> first = client.download(small);
            HttpResponse<byte[]> second = client.download(big);
            assertThat(big).endsWith(".png");
            assertThat(second.headers().firstValue("Content-Type")).hasValue("image/png");
            assertThat(first.body().length).isBetween(199_000, 200_000);
            assertThat(second.body()).isEqualTo(first.body());
            assertThat(decode(first.body()).getWidth()).isPositive();
        }
    }

    @Test
    void anInlineImageIsTheSamePng() throws IOException {
        try (RunpodEmulator emulator = RunpodEmulator.start(EmulatorSettings.defaults()
                .withLatency(Duration.ZERO).withImageBytes(5_000))) {
            String inline = json(new EmulatorClient(emulator).runsync("\"enable_base64_output\": true"))
                    .at("/output/image_url").asText();

            byte[] png = Base64.getDecoder().decode(inline.substring("data:image/png;base64,".length()));
            assertThat(png.length).isBetween(4_900, 5_000);
            assertThat(decode(png)).isNotNull();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 101, 5_000, 65_535 * 3 + 17, 8_000_000})
    void thePngIsWithinARowOfTheAskedSizeAndDecodes(int bytes) {
        byte[] png = FixedSizeImage.png(bytes);

        assertThat(png.length).isLessThanOrEqualTo(bytes).isGreaterThan(bytes - 3 * (int) Math.sqrt(bytes / 3.0) - 1 - 16);
        assertThat(decode(png).getHeight()).isPositive();
    }

    @Test
    void aSizeTooSmallForAPngIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> EmulatorSettings.defaults().withImageBytes(99))
                .withMessageContaining("imageBytes must be 0 (render the prompt) or 100");
    }
}
