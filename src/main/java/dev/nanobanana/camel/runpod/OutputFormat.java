package dev.nanobanana.camel.runpod;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The image formats a job can ask for in {@code input.output_format} (docs/runpod-api.md), with their media types. */
public enum OutputFormat {
    PNG("png", "image/png"),
    JPEG("jpeg", "image/jpeg");

    /** What RunPod makes when a job does not say. */
    public static final OutputFormat DEFAULT = PNG;
    public static final List<String> WIRE_NAMES = Arrays.stream(values()).map(OutputFormat::wireName).toList();

    private final String wireName;
    private final String mediaType;

    OutputFormat(String wireName, String mediaType) {
        this.wireName = wireName;
        this.mediaType = mediaType;
    }

    /** The name on the wire, which is also the file extension and ImageIO's format name. */
    public String wireName() {
        return wireName;
    }

    public String mediaType() {
        return mediaType;
    }

    public static Optional<OutputFormat> fromWireName(String name) {
        return Arrays.stream(values()).filter(format -> format.wireName.equals(name)).findFirst();
    }
}
