package dev.nanobanana.emulator;

import java.util.List;
import java.util.Optional;

/** The shape of an output image, as {@code width:height}. */
record AspectRatio(int width, int height) {

    static final AspectRatio SQUARE = new AspectRatio(1, 1);

    static final List<String> SUPPORTED = List.of(
            "1:1", "3:2", "2:3", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9", "1:4", "4:1", "1:8", "8:1");

    static Optional<AspectRatio> fromWireName(String name) {
        if (!SUPPORTED.contains(name)) {
            return Optional.empty();
        }
        String[] sides = name.split(":");
        return Optional.of(new AspectRatio(Integer.parseInt(sides[0]), Integer.parseInt(sides[1])));
    }

    /** The pixel size of an image of this shape whose long side is {@code longSide}. */
    ImageSize sized(int longSide) {
        if (width >= height) {
            return new ImageSize(longSide, Math.round((float) longSide * height / width));
        }
        return new ImageSize(Math.round((float) longSide * width / height), longSide);
    }

    /** Width and height of an image in pixels. */
    record ImageSize(int width, int height) {
    }
}
