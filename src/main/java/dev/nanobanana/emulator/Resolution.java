package dev.nanobanana.emulator;

import java.util.Arrays;
import java.util.Optional;

/** The output resolutions of Nano Banana 2 Edit, with the long side of the image and RunPod's price. */
enum Resolution {
    ONE_K("1k", 1024, 0.0875),
    TWO_K("2k", 2048, 0.13),
    FOUR_K("4k", 4096, 0.175);

    private final String wireName;
    private final int longSide;
    private final double costUsd;

    Resolution(String wireName, int longSide, double costUsd) {
        this.wireName = wireName;
        this.longSide = longSide;
        this.costUsd = costUsd;
    }

    static Optional<Resolution> fromWireName(String name) {
        return Arrays.stream(values()).filter(resolution -> resolution.wireName.equals(name)).findFirst();
    }

    int longSide() {
        return longSide;
    }

    double costUsd() {
        return costUsd;
    }
}
