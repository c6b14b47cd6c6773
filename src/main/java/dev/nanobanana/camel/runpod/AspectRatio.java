package dev.nanobanana.camel.runpod;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The shapes a job can ask for in {@code input.aspect_ratio}, as {@code width:height}: those of RunPod's page, then the
 * four more that RunPod's ai-sdk-provider lists (docs/runpod-api.md). Optional on the wire: without it the model chooses.
 */
public enum AspectRatio {
    RATIO_1_1(1, 1),
    RATIO_3_2(3, 2),
    RATIO_2_3(2, 3),
    RATIO_3_4(3, 4),
    RATIO_4_3(4, 3),
    RATIO_4_5(4, 5),
    RATIO_5_4(5, 4),
    RATIO_9_16(9, 16),
    RATIO_16_9(16, 9),
    RATIO_21_9(21, 9),
    RATIO_1_4(1, 4),
    RATIO_4_1(4, 1),
    RATIO_1_8(1, 8),
    RATIO_8_1(8, 1);

    public static final List<String> WIRE_NAMES = Arrays.stream(values()).map(AspectRatio::wireName).toList();

    private final int width;
    private final int height;

    AspectRatio(int width, int height) {
        this.width = width;
        this.height = height;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public String wireName() {
        return width + ":" + height;
    }

    public static Optional<AspectRatio> fromWireName(String name) {
        return Arrays.stream(values()).filter(ratio -> ratio.wireName().equals(name)).findFirst();
    }
}
