package dev.nanobanana.emulator;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The first bytes of a file, enough to tell whether it is a PNG, JPEG, GIF or WebP image. As a consumer it takes a
 * downloaded body piece by piece and keeps only those bytes, so a big input image costs no memory.
 */
final class ImageHead implements Consumer<Optional<byte[]>> {

    static final int LENGTH = 12;

    private final byte[] head = new byte[LENGTH];
    private int length;

    static ImageHead of(byte[] bytes) {
        ImageHead image = new ImageHead();
        image.accept(Optional.of(bytes));
        return image;
    }

    @Override
    public void accept(Optional<byte[]> piece) {
        piece.ifPresent(bytes -> {
            int taken = Math.min(bytes.length, LENGTH - length);
            System.arraycopy(bytes, 0, head, length, taken);
            length += taken;
        });
    }

    boolean isImage() {
        return startsWith(0, 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n')
                || startsWith(0, 0xFF, 0xD8, 0xFF)
                || startsWith(0, 'G', 'I', 'F', '8')
                || startsWith(0, 'R', 'I', 'F', 'F') && startsWith(8, 'W', 'E', 'B', 'P');
    }

    private boolean startsWith(int offset, int... signature) {
        if (length < offset + signature.length) {
            return false;
        }
        byte[] expected = new byte[signature.length];
        for (int i = 0; i < signature.length; i++) {
            expected[i] = (byte) signature[i];
        }
        return Arrays.equals(head, offset, offset + signature.length, expected, 0, expected.length);
    }
}
