package dev.nanobanana.camel.runpod;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What RunPod's Nano Banana 2 Edit endpoint takes as {@code input} (docs/runpod-api.md): its fields, how many images, and what an
 * image may be. The values of its choice fields are {@link Resolution}, {@link AspectRatio} and {@link OutputFormat};
 * its payload limits are {@link SubmitMode}'s; its prices {@link PriceTable#RUNPOD}. The job validator and the
 * emulator both check against these.
 */
public final class EditEndpoint {

    public static final int MAX_IMAGES = 14;
    public static final List<String> INPUT_FIELDS = List.of(
            "prompt", "images", "resolution", "aspect_ratio", "output_format", "enable_base64_output");

    private static final Pattern DATA_URI_HEADER = Pattern.compile("data:image/[\\w.+-]+;base64,");

    private EditEndpoint() {
    }

    /** An absolute {@code http} or {@code https} URL with a host, which RunPod can fetch. */
    public static boolean isHttpUrl(String image) {
        try {
            URI uri = new URI(image);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * Why RunPod would not take this entry of {@code input.images}, or empty when it would: an http(s) URL, or a
     * {@code data:image/<type>;base64,<data>} URI whose data is base64 of at least one byte. Data that does not decode
     * can never be an image, so it is refused before anything is paid for.
     */
    public static Optional<String> imageProblem(String image) {
        if (!image.startsWith("data:")) {
            return isHttpUrl(image) ? Optional.empty()
                    : Optional.of("is not an absolute http(s) URL or a data:image/<type>;base64,<data> URI");
        }
        Matcher header = DATA_URI_HEADER.matcher(image);
        if (!header.lookingAt()) {
            return Optional.of("is not a valid data URI: use data:image/<type>;base64,<data>");
        }
        if (!isBase64(image, header.end())) {
            return Optional.of("is a data URI whose data is not base64: use data:image/<type>;base64,<data>");
        }
        return Optional.empty();
    }

    /**
     * Whether {@code text} from {@code from} on is base64 of at least one byte, as Java's basic decoder reads it (padding
     * optional, no line breaks), checked without a copy of what may be megabytes.
     */
    static boolean isBase64(String text, int from) {
        int end = text.length();
        int padding = 0;
        while (end > from && padding < 2 && text.charAt(end - 1) == '=') {
            end--;
            padding++;
        }
        int length = end - from;
        if (length == 0 || length % 4 == 1 || padding > 0 && (length + padding) % 4 != 0) {
            return false;
        }
        for (int i = from; i < end; i++) {
            char c = text.charAt(i);
            boolean letterOrDigit = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (!letterOrDigit && c != '+' && c != '/') {
                return false;
            }
        }
        return true;
    }
}
