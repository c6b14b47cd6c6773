package dev.nanobanana.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A request body read up to a limit; the rest is read and dropped, so the client still gets its answer.
 *
 * @param bytes the body, at most {@code limit} bytes of it
 * @param limit the most the operation accepts
 * @param tooLarge whether the body was longer than {@code limit}
 */
record RequestBody(byte[] bytes, int limit, boolean tooLarge) {

    static RequestBody read(InputStream in, int limit) throws IOException {
        byte[] bytes = in.readNBytes(limit);
        boolean tooLarge = in.transferTo(OutputStream.nullOutputStream()) > 0;
        return new RequestBody(bytes, limit, tooLarge);
    }

    String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
