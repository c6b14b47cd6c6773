package dev.nanobanana.emulator;

import dev.nanobanana.camel.runpod.OutputFormat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * One PNG of about a given size, made once and handed to every job whatever it asked for, so that a load test with
 * big images measures its client: nothing is rendered and every job shares the one buffer.
 */
final class FixedSizeImage implements OutputImages {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    /** Signature, IHDR, IDAT and IEND framing, zlib header and checksum. */
    private static final int FRAMING_BYTES = 8 + 25 + 12 + 12 + 6;
    /** Deflate stores at most 65,535 bytes per block, each behind a 5-byte header. */
    private static final int STORED_BLOCK = 65_535;

    private final CompletableFuture<EncodedImage> image;

    FixedSizeImage(int bytes) {
        this.image = CompletableFuture.completedFuture(new EncodedImage(OutputFormat.PNG, png(bytes)));
    }

    @Override
    public CompletableFuture<EncodedImage> imageFor(EditInput input) {
        return image;
    }

    /**
     * An RGB gradient whose pixels are stored uncompressed, so that the file is as big as its pixels: within one
     * row of {@code bytes}.
     */
    static byte[] png(int bytes) {
        int width = Math.max(1, (int) Math.sqrt(bytes / 3.0));
        int rowBytes = 1 + 3 * width;
        int pixelBytes = bytes - FRAMING_BYTES;
        int height = Math.max(1, (pixelBytes - 5 * (pixelBytes / STORED_BLOCK + 1)) / rowBytes);
        byte[] rows = new byte[rowBytes * height];
        for (int y = 0; y < height; y++) {
            int row = y * rowBytes;
            // each row starts with its filter type, 0: none
            for (int x = 0; x < width; x++) {
                rows[row + 1 + 3 * x] = (byte) (255 * x / width);
                rows[row + 2 + 3 * x] = (byte) (255 * y / height);
                rows[row + 3 + 3 * x] = (byte) 0xC0;
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream(bytes + STORED_BLOCK);
        png.writeBytes(SIGNATURE);
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(png, "IDAT", stored(rows));
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static byte[] stored(byte[] data) {
        Deflater deflater = new Deflater(Deflater.NO_COMPRESSION);
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + data.length / STORED_BLOCK * 5 + 64);
            byte[] buffer = new byte[STORED_BLOCK + 64];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        png.writeBytes(typeBytes);
        png.writeBytes(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
