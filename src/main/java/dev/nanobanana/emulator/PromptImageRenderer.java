package dev.nanobanana.emulator;

import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Renders the image an emulated job produces: the prompt in {@link BitmapFont} letters, centred on a background
 * whose colour comes from the prompt's hash, at the size the resolution and aspect ratio ask for.
 */
final class PromptImageRenderer {

    /** Letters per line on a wide image; the font is scaled to fit about that many. */
    private static final int LETTERS_PER_LINE = 40;
    private static final int CELL_WIDTH = BitmapFont.GLYPH_WIDTH + 1;
    private static final int CELL_HEIGHT = BitmapFont.GLYPH_HEIGHT + 2;
    private static final String ELLIPSIS = "...";

    EncodedImage render(EditInput input) throws IOException {
        ImageSize size = ImageSize.of(input.resolution(), input.aspectRatio());
        // TYPE_INT_RGB has no alpha, which the JPEG writer needs, and gives direct access to the pixels
        BufferedImage image = new BufferedImage(size.width(), size.height(), BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        int background = backgroundOf(input.prompt());
        Arrays.fill(pixels, background);
        drawText(input.prompt(), pixels, size, inkFor(background));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // ImageIO's default file cache registers a JVM shutdown hook, which fails with "Shutdown in progress" for an
        // image rendered while the JVM stops; in memory it is faster too
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            if (!ImageIO.write(image, input.outputFormat().wireName(), stream)) {
                throw new IOException("No ImageIO writer for " + input.outputFormat().wireName());
            }
        }
        return new EncodedImage(input.outputFormat(), out.toByteArray());
    }

    /** A light colour, each channel 96-223, so that dark ink always reads on it. */
    static int backgroundOf(String prompt) {
        int hash = prompt.hashCode();
        int red = 96 + (hash & 0x7F);
        int green = 96 + ((hash >>> 8) & 0x7F);
        int blue = 96 + ((hash >>> 16) & 0x7F);
        return red << 16 | green << 8 | blue;
    }

    private static int inkFor(int background) {
        int luminance = (299 * (background >> 16 & 0xFF) + 587 * (background >> 8 & 0xFF) + 114 * (background & 0xFF)) / 1000;
        return luminance > 128 ? 0x1A1A1A : 0xF5F5F5;
    }

    private static void drawText(String text, int[] pixels, ImageSize size, int ink) {
        int scale = Math.max(1, size.width() / (CELL_WIDTH * LETTERS_PER_LINE));
        int margin = 2 * CELL_WIDTH * scale;
        int lettersPerLine = (size.width() - 2 * margin) / (CELL_WIDTH * scale);
        int maxLines = (size.height() - 2 * margin) / (CELL_HEIGHT * scale);
        if (lettersPerLine <= ELLIPSIS.length() || maxLines < 1) {
            return;
        }
        List<String> lines = wrap(text.strip(), lettersPerLine, maxLines);
        int top = (size.height() - lines.size() * CELL_HEIGHT * scale) / 2;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int left = (size.width() - line.length() * CELL_WIDTH * scale) / 2;
            for (int j = 0; j < line.length(); j++) {
                drawGlyph(line.charAt(j), pixels, size.width(), left + j * CELL_WIDTH * scale, top + i * CELL_HEIGHT * scale, scale, ink);
            }
        }
    }

    /** Breaks text at blanks into at most maxLines lines, cutting words longer than a line, and marks a cut-off end. */
    static List<String> wrap(String text, int lettersPerLine, int maxLines) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split("\\s+")) {
            while (word.length() > lettersPerLine) {
                if (line.length() > 0) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                lines.add(word.substring(0, lettersPerLine));
                word = word.substring(lettersPerLine);
            }
            if (line.length() > 0 && line.length() + 1 + word.length() > lettersPerLine) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        if (lines.size() <= maxLines) {
            return lines;
        }
        List<String> kept = new ArrayList<>(lines.subList(0, maxLines));
        String last = kept.get(maxLines - 1);
        kept.set(maxLines - 1, last.substring(0, Math.min(last.length(), lettersPerLine - ELLIPSIS.length())) + ELLIPSIS);
        return kept;
    }

    private static void drawGlyph(char c, int[] pixels, int stride, int left, int top, int scale, int ink) {
        for (int row = 0; row < BitmapFont.GLYPH_HEIGHT; row++) {
            for (int column = 0; column < BitmapFont.GLYPH_WIDTH; column++) {
                if (BitmapFont.isInk(c, column, row)) {
                    for (int y = top + row * scale; y < top + (row + 1) * scale; y++) {
                        Arrays.fill(pixels, y * stride + left + column * scale, y * stride + left + (column + 1) * scale, ink);
                    }
                }
            }
        }
    }
}
