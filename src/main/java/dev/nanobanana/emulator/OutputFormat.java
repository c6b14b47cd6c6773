package dev.nanobanana.emulator;

import java.util.Arrays;
import java.util.Optional;

/** The image formats a job can ask for, named as on the wire, in image URLs and for ImageIO. */
enum OutputFormat {
    PNG("png", "image/png"),
    JPEG("jpeg", "image/jpeg");

    private final String wireName;
    private final String mediaType;

    OutputFormat(String wireName, String mediaType) {
        this.wireName = wireName;
        this.mediaType = mediaType;
    }

    static Optional<OutputFormat> fromWireName(String name) {
        return Arrays.stream(values()).filter(format -> format.wireName.equals(name)).findFirst();
    }

    String wireName() {
        return wireName;
    }

    String mediaType() {
        return mediaType;
    }
}
