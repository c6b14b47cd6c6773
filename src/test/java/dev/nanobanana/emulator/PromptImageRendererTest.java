package dev.nanobanana.emulator;

import dev.nanobanana.camel.runpod.AspectRatio;
import dev.nanobanana.camel.runpod.OutputFormat;
import dev.nanobanana.camel.runpod.Resolution;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;

import static dev.nanobanana.emulator.EmulatorClient.decode;
import static org.assertj.core.api.Assertions.assertThat;

class PromptImageRendererTest {

    private final PromptImageRenderer renderer = new PromptImageRenderer();

    @ParameterizedTest
    @CsvSource({
            "1:1, 1k, 1024, 1024", "16:9, 1k, 1024, 576", "9:16, 2k, 1152, 2048", "21:9, 1k, 1024, 439",
            "3:2, 1k, 1024, 683", "4:5, 1k, 819, 1024", "1:8, 4k, 512, 4096", "8:1, 1k, 1024, 128"})
    void sizeFollowsResolutionAndAspectRatio(String aspectRatio, String resolution, int width, int height) {
        assertThat(ImageSize.of(Resolution.fromWireName(resolution).orElseThrow(),
                AspectRatio.fromWireName(aspectRatio).orElseThrow()))
                .isEqualTo(new ImageSize(width, height));
    }

    @ParameterizedTest
    @EnumSource(AspectRatio.class)
    void everyAspectRatioRunpodTakesGetsItsShape(AspectRatio ratio) {
        ImageSize size = ImageSize.of(Resolution.FOUR_K, ratio);

        assertThat(Math.max(size.width(), size.height())).isEqualTo(4096);
        assertThat((double) size.width() / size.height())
                .isCloseTo((double) ratio.width() / ratio.height(), Percentage.withPercentage(1));
    }

    @Test
    void fourKImageHasItsFullSize() throws IOException {
        BufferedImage image = decode(renderer.render(input("Make it sunny", Resolution.FOUR_K, "4:3", OutputFormat.PNG)).bytes());

        assertThat(image.getWidth()).isEqualTo(4096);
        assertThat(image.getHeight()).isEqualTo(3072);
    }

    @Test
    void promptIsDrawnInInkOnABackgroundFromItsHash() throws IOException {
        BufferedImage image = decode(renderer.render(input("Hello, banana!", Resolution.ONE_K, "1:1", OutputFormat.PNG)).bytes());

        int background = PromptImageRenderer.backgroundOf("Hello, banana!");
        assertThat(image.getRGB(0, 0) & 0xFFFFFF).isEqualTo(background);
        long inkPixels = countPixelsOtherThan(image, background);
        assertThat(inkPixels).isGreaterThan(1_000).isLessThan(1024L * 1024 / 4);
        assertThat(PromptImageRenderer.backgroundOf("another prompt")).isNotEqualTo(background);
    }

    @Test
    void jpegIsWrittenWithoutAlpha() throws IOException {
        EncodedImage jpeg = renderer.render(input("x", Resolution.ONE_K, "1:1", OutputFormat.JPEG));

        assertThat(jpeg.format()).isEqualTo(OutputFormat.JPEG);
        assertThat(decode(jpeg.bytes()).getColorModel().hasAlpha()).isFalse();
    }

    @Test
    void longTextIsWrappedAtBlanksAndCutWithAnEllipsis() {
        assertThat(PromptImageRenderer.wrap("a banana hat on a very sleepy cat", 10, 3))
                .containsExactly("a banana", "hat on a", "very...");
        assertThat(PromptImageRenderer.wrap("abcdefghijklmnop", 6, 5)).containsExactly("abcdef", "ghijkl", "mnop");
    }

    @Test
    void unknownCharactersDrawAsQuestionMarks() {
        for (int row = 0; row < BitmapFont.GLYPH_HEIGHT; row++) {
            for (int column = 0; column < BitmapFont.GLYPH_WIDTH; column++) {
                assertThat(BitmapFont.isInk('€', column, row)).isEqualTo(BitmapFont.isInk('?', column, row));
                assertThat(BitmapFont.isInk('a', column, row)).isEqualTo(BitmapFont.isInk('A', column, row));
            }
        }
    }

    private static EditInput input(String prompt, Resolution resolution, String aspectRatio, OutputFormat format) {
        return new EditInput(prompt, List.of(EmulatorClient.IMAGE), resolution,
                AspectRatio.fromWireName(aspectRatio).orElseThrow(), format, false);
    }

    private static long countPixelsOtherThan(BufferedImage image, int rgb) {
        long count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) != rgb) {
                    count++;
                }
            }
        }
        return count;
    }
}
