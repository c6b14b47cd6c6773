package dev.nanobanana.camel.job;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;


/**
 * Images a job from a folder names by a path relative to its job file's folder ({@code photos/shoe.jpg}), sent to
 * RunPod as data URIs. Such a path never reaches outside the folder: no {@code ..}, no absolute path, no link that
 * leads out; and only PNG, JPEG or WebP content is sent.
 */
public final class LocalImages {

    private LocalImages() {
    }

    /** Whether a reference is a relative path rather than a URL or a data URI. */
    public static boolean isLocal(String reference) {
        return !reference.contains(":") && !reference.isBlank();
    }

    /** How long the image's data URI will be, after checking that it can be sent; the file is not read whole. */
    public static long dataUriLength(String reference, Path folder) throws InvalidJobException {
        Path file = inside(reference, folder);
        String mediaType = mediaType(reference, file);
        try {
            return "data:".length() + mediaType.length() + ";base64,".length() + (Files.size(file) + 2) / 3 * 4;
        } catch (IOException e) {
            throw new InvalidJobException("image \"" + shown(reference) + "\" could not be read: " + e.getMessage());
        }
    }

    /** The image as a data URI, read from {@code folder}. */
    public static String dataUri(String reference, Path folder) throws InvalidJobException {
        Path file = inside(reference, folder);
        String mediaType = mediaType(reference, file);
        try {
            return "data:" + mediaType + ";base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new InvalidJobException("image \"" + shown(reference) + "\" could not be read: " + e.getMessage());
        }
    }

    private static String mediaType(String reference, Path file) throws InvalidJobException {
        return mediaType(file).orElseThrow(() -> new InvalidJobException("image \"" + shown(reference)
                + "\" is not a PNG, JPEG or WebP image"));
    }

    private static Path inside(String reference, Path folder) throws InvalidJobException {
        if (folder == null) {
            throw new InvalidJobException("image \"" + shown(reference) + "\" is a file path, but this job did not "
                                          + "come from a folder: give an http(s) URL");
        }
        try {
            Path base = folder.toRealPath();
            Path named = Path.of(reference);
            Path file = base.resolve(named).normalize();
            if (named.isAbsolute() || reference.startsWith("/") || reference.startsWith("\\")
                    || !file.startsWith(base)) {
                throw new InvalidJobException("image \"" + shown(reference) + "\" is outside the job file's folder: "
                                              + "name images by a path inside it, without ..");
            }
            if (!Files.isRegularFile(file)) {
                throw new InvalidJobException("image \"" + shown(reference) + "\" is not a file in the job file's "
                                              + "folder " + folder + ", nor an http(s) URL");
            }
            if (!file.toRealPath().startsWith(base)) {
                throw new InvalidJobException("image \"" + shown(reference) + "\" is a link that leads outside the "
                                              + "job file's folder: links out are not followed");
            }
            return file;
        } catch (InvalidPathException | IOException e) {
            throw new InvalidJobException("image \"" + shown(reference) + "\" is not a usable path: " + e.getMessage());
        }
    }

    /** PNG, JPEG or WebP, told by their first bytes, not by the name. */
    private static Optional<String> mediaType(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(12);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (head.length >= 8 && (head[0] & 0xFF) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') {
            return Optional.of("image/png");
        }
        if (head.length >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 && (head[2] & 0xFF) == 0xFF) {
            return Optional.of("image/jpeg");
        }
        if (head.length >= 12 && head[0] == 'R' && head[1] == 'I' && head[2] == 'F' && head[3] == 'F'
                && head[8] == 'W' && head[9] == 'E' && head[10] == 'B' && head[11] == 'P') {
            return Optional.of("image/webp");
        }
        return Optional.empty();
    }

    private static String shown(String reference) {
        return reference.length() > 80 ? reference.substring(0, 80) + "..." : reference;
    }
}
