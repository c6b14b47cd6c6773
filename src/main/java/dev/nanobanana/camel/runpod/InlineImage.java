package dev.nanobanana.camel.runpod;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

/**
 * A base64 image inside a RunPod answer ({@code output.image_url} or {@code output.result} holding a data URI or bare
 * base64): where it sits in the answer's bytes, so that it can be decoded straight into a file and left out of the
 * parsed answer. A 4K image is megabytes of base64; it never becomes a String.
 *
 * @param start the first byte of the string's content, after its opening quote
 * @param end the closing quote
 */
public record InlineImage(long start, long end) {

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();
    private static final Base64Variant BASE64 = Base64Variants.MIME_NO_LINEFEEDS
            .withReadPadding(Base64Variant.PaddingReadBehaviour.PADDING_ALLOWED);
    private static final int SCAN_CHUNK = 64 * 1024;

    /** Finds the image string in an answer, if the answer holds one that is not a URL. */
    static InlineImage find(AnswerBody body) throws IOException {
        Long imageUrl = null;
        Long result = null;
        try (JsonParser parser = JSON.createParser(body.open())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!"output".equals(name) || value != JsonToken.START_OBJECT) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken token = parser.nextToken();
                    // the token is not read yet: looking at its position does not load the string
                    long quote = parser.currentTokenLocation().getByteOffset();
                    if (token == JsonToken.VALUE_STRING && field.equals("image_url")) {
                        imageUrl = quote;
                    } else if (token == JsonToken.VALUE_STRING && field.equals("result")) {
                        result = quote;
                    } else {
                        parser.skipChildren();
                    }
                }
            }
        } catch (JsonProcessingException e) {
            // not JSON, or not a job: the answer's own parse says so
            return null;
        }
        // RunPod's own provider reads image_url first, then result
        Long quote = imageUrl != null ? imageUrl : result;
        if (quote == null || body.byteAt(quote) != '"' || isUrl(body, quote + 1)) {
            return null;
        }
        long end = closingQuote(body, quote + 1);
        return end < 0 ? null : new InlineImage(quote + 1, end);
    }

    /** The answer with this string's content replaced by {@code replacement}, for parsing what is left. */
    InputStream without(AnswerBody body, String replacement) throws IOException {
        return new SequenceInputStream(Collections.enumeration(List.of(
                body.open(0, start),
                new ByteArrayInputStream(replacement.getBytes(StandardCharsets.UTF_8)),
                body.open(end, body.size()))));
    }

    /**
     * Decodes the image into {@code target}: a data URI's base64 part, or bare base64, with JSON escapes and line
     * breaks handled as JSON defines them.
     */
    public void decodeTo(AnswerBody body, Path target) throws IOException, RunpodProtocolException {
        long from = start;
        String head = head(body, 64);
        if (head.regionMatches(true, 0, "data:", 0, 5)) {
            int comma = head.indexOf(',');
            if (comma < 0 || !head.substring(0, comma).toLowerCase(Locale.ROOT).endsWith(";base64")) {
                throw new RunpodProtocolException("RunPod's image is a data URI that is not base64: " + head + "...");
            }
            from += comma + 1;
        }
        InputStream quoted = new SequenceInputStream(Collections.enumeration(List.of(
                new ByteArrayInputStream(new byte[] {'"'}), body.open(from, end + 1))));
        try (JsonParser parser = JSON.createParser(quoted); OutputStream out = Files.newOutputStream(target)) {
            parser.nextToken();
            parser.readBinaryValue(BASE64, out);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new RunpodProtocolException("RunPod's image output is neither a URL nor base64: " + head + "...");
        }
    }

    String head(AnswerBody body, int chars) throws IOException {
        try (InputStream in = body.open(start, Math.min(end, start + chars))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    long length() {
        return end - start;
    }

    private static boolean isUrl(AnswerBody body, long position) throws IOException {
        try (InputStream in = body.open(position, Math.min(body.size(), position + 8))) {
            String start = new String(in.readAllBytes(), StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
            return start.startsWith("http://") || start.startsWith("https://");
        }
    }

    /** The first unescaped quote from {@code from} on, or -1. */
    private static long closingQuote(AnswerBody body, long from) throws IOException {
        byte[] chunk = new byte[SCAN_CHUNK];
        boolean escaped = false;
        long position = from;
        try (InputStream in = body.open(from, body.size())) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                for (int i = 0; i < n; i++, position++) {
                    if (escaped) {
                        escaped = false;
                    } else if (chunk[i] == '\\') {
                        escaped = true;
                    } else if (chunk[i] == '"') {
                        return position;
                    }
                }
            }
        }
        return -1;
    }
}
