package dev.nanobanana.camel.runpod;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The output resolutions of Nano Banana 2 Edit, named as {@code input.resolution} names them (docs/runpod-api.md). */
public enum Resolution {
    ONE_K("1k"),
    TWO_K("2k"),
    FOUR_K("4k");

    /** What RunPod makes when a job does not say. */
    public static final Resolution DEFAULT = ONE_K;
    public static final List<String> WIRE_NAMES = Arrays.stream(values()).map(Resolution::wireName).toList();

    private final String wireName;

    Resolution(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Resolution> fromWireName(String name) {
        return Arrays.stream(values()).filter(resolution -> resolution.wireName.equals(name)).findFirst();
    }
}
