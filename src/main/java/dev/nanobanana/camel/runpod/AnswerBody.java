package dev.nanobanana.camel.runpod;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * The body of an HTTP answer: kept in memory while small, spilled to a file once it grows past a limit, so that an
 * answer holding a base64 image of many megabytes never sits in the heap. Read it by byte ranges; close it to delete
 * the file.
 */
public final class AnswerBody implements AutoCloseable {

    private final byte[] bytes;
    private final Path file;
    private final long size;

    private AnswerBody(byte[] bytes, Path file, long size) {
        this.bytes = bytes;
        this.file = file;
        this.size = size;
    }

    public static AnswerBody of(byte[] bytes) {
        return new AnswerBody(bytes, null, bytes.length);
    }

    public static AnswerBody of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Takes answers into memory up to {@code memoryLimit} bytes, into a file in {@code spillDir} beyond. */
    public static HttpResponse.BodyHandler<AnswerBody> handler(Path spillDir, int memoryLimit) {
        return info -> new Subscriber(spillDir, memoryLimit);
    }

    public long size() {
        return size;
    }

    public boolean spilled() {
        return file != null;
    }

    public InputStream open() throws IOException {
        return open(0, size);
    }

    /** The bytes from {@code from} (inclusive) to {@code to} (exclusive). */
    public InputStream open(long from, long to) throws IOException {
        if (file == null) {
            return new ByteArrayInputStream(bytes, (int) from, (int) (to - from));
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        channel.position(from);
        return new BoundedInputStream(Channels.newInputStream(channel), to - from);
    }

    /** The byte at {@code position}, or -1 past the end; for short look-ups, not for reading the body. */
    public int byteAt(long position) throws IOException {
        if (position >= size) {
            return -1;
        }
        if (file == null) {
            return bytes[(int) position] & 0xFF;
        }
        try (InputStream in = open(position, position + 1)) {
            return in.read();
        }
    }

    /** The body as text, cut after {@code maxChars} characters: for messages and records. */
    public String excerpt(int maxChars) {
        try (InputStream in = open(0, Math.min(size, maxChars * 4L))) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.length() > maxChars ? text.substring(0, maxChars) : text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole body as text; only for answers known to be small. */
    public String text() {
        return excerpt((int) Math.min(Integer.MAX_VALUE / 4, size));
    }

    @Override
    public void close() {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a stray temporary file in the spool is harmless; it is named as such
            }
        }
    }

    private static final class Subscriber implements HttpResponse.BodySubscriber<AnswerBody> {

        private final Path spillDir;
        private final int memoryLimit;
        private final CompletableFuture<AnswerBody> body = new CompletableFuture<>();
        private final ByteArrayOutputStream memory = new ByteArrayOutputStream();
        private Flow.Subscription subscription;
        private Path file;
        private FileChannel channel;
        private long size;

        Subscriber(Path spillDir, int memoryLimit) {
            this.spillDir = spillDir;
            this.memoryLimit = memoryLimit;
        }

        @Override
        public CompletionStage<AnswerBody> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            try {
                for (ByteBuffer buffer : buffers) {
                    size += buffer.remaining();
                    if (channel == null && memory.size() + buffer.remaining() > memoryLimit) {
                        spill();
                    }
                    if (channel != null) {
                        while (buffer.hasRemaining()) {
                            channel.write(buffer);
                        }
                    } else {
                        byte[] chunk = new byte[buffer.remaining()];
                        buffer.get(chunk);
                        memory.write(chunk, 0, chunk.length);
                    }
                }
                subscription.request(1);
            } catch (IOException e) {
                subscription.cancel();
                onError(e);
            }
        }

        private void spill() throws IOException {
            Files.createDirectories(spillDir);
            file = Files.createTempFile(spillDir, ".answer-", ".json");
            channel = FileChannel.open(file, StandardOpenOption.WRITE);
            channel.write(ByteBuffer.wrap(memory.toByteArray()));
            memory.reset();
        }

        @Override
        public void onError(Throwable error) {
            closeChannel();
            if (file != null) {
                new AnswerBody(null, file, size).close();
            }
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            closeChannel();
            body.complete(file == null ? AnswerBody.of(memory.toByteArray()) : new AnswerBody(null, file, size));
        }

        private void closeChannel() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // the body is complete or failed already; nothing more to write
                }
            }
        }
    }

    private static final class BoundedInputStream extends InputStream {

        private final InputStream in;
        private long left;

        BoundedInputStream(InputStream in, long left) {
            this.in = in;
            this.left = left;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
