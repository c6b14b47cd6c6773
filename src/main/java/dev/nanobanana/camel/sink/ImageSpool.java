package dev.nanobanana.camel.sink;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The local folder where a paid image is kept from the moment it arrives until it is in its sink: a sink that is
 * down, a crash or a restart then never costs a second payment. Images still arriving are hidden ({@code .incoming-});
 * a kept image is named after its RunPod job.
 */
public final class ImageSpool {

    private static final String INCOMING = ".incoming-";

    private final Path dir;

    public ImageSpool(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** A new hidden file for an image that is still arriving. */
    public Path incoming() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("the spool folder " + dir + " cannot be created: " + e.getMessage(), e);
        }
        return dir.resolve(INCOMING + UUID.randomUUID());
    }

    /** Keeps an image that has fully arrived under its name; checks that it is a PNG or JPEG image first. */
    public Path keep(Path incoming, String name) throws IOException, NotAnImageException {
        if (!isImage(incoming)) {
            long size = Files.size(incoming);
            Files.deleteIfExists(incoming);
            throw new NotAnImageException("it is not a PNG or JPEG image (" + size + " bytes)");
        }
        return Files.move(incoming, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Deletes the partial downloads that a process left when it ended in the middle of them (kill -9, a power cut):
     * hidden files nothing has written to for {@code idle}. A download that is going on writes at least that often,
     * or is given up; its job, still in the ledger with RunPod's answer, fetches its image again.
     *
     * @return how many were deleted
     */
    public int removeAbandoned(Duration idle) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        FileTime before = FileTime.from(Instant.now().minus(idle));
        List<Path> abandoned;
        try (Stream<Path> files = Files.list(dir)) {
            abandoned = files.filter(file -> file.getFileName().toString().startsWith(INCOMING))
                    .filter(file -> lastWritten(file).compareTo(before) < 0)
                    .toList();
        } catch (IOException e) {
            return 0;
        }
        int removed = 0;
        for (Path file : abandoned) {
            try {
                removed += Files.deleteIfExists(file) ? 1 : 0;
            } catch (IOException e) {
                // tried again next time
            }
        }
        return removed;
    }

    private static FileTime lastWritten(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            // gone meanwhile: kept or discarded by its download
            return FileTime.from(Instant.MAX);
        }
    }

    public static void discard(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // left for the user to see in the spool; it is named after its job
        }
    }

    private static boolean isImage(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(8);
        }
        boolean png = head.length == 8 && (head[0] & 0xFF) == 0x89 && head[1] == 'P' && head[2] == 'N'
                      && head[3] == 'G';
        boolean jpeg = head.length >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8;
        return png || jpeg;
    }

    /** What arrived as an image is not one. */
    public static class NotAnImageException extends Exception {

        public NotAnImageException(String message) {
            super(message);
        }
    }
}
