package dev.nanobanana.emulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.IntStream;

/**
 * Reads every input image as the real service does: downloads http(s) URLs and decodes data URIs, and calls an
 * image unreadable when the download fails, answers other than 2xx or is not an image. Downloads are asynchronous,
 * so no request thread waits for an image host.
 */
final class InputFetcher implements InputImages {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(30);
    private static final String BASE64_MARKER = ";base64,";
    /** Base64 characters that decode to at least {@link ImageHead#LENGTH} bytes. */
    private static final int HEAD_CHARACTERS = 16;

    private final HttpClient http;
    private final Executor callbacks;

    InputFetcher(Executor callbacks) {
        this.callbacks = callbacks;
        this.http = HttpClient.newBuilder()
                .executor(callbacks)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @Override
    public CompletableFuture<Optional<String>> firstUnreadable(List<String> images) {
        List<CompletableFuture<Boolean>> readable = images.stream().map(this::readable).toList();
        // the last download may complete on one of the HTTP client's own threads: go on on ours
        return CompletableFuture.allOf(readable.toArray(CompletableFuture<?>[]::new))
                .thenApplyAsync(all -> IntStream.range(0, images.size())
                        .filter(i -> !readable.get(i).join())
                        .mapToObj(images::get)
                        .findFirst(), callbacks);
    }

    private CompletableFuture<Boolean> readable(String image) {
        if (image.startsWith("data:")) {
            return CompletableFuture.completedFuture(dataUriHead(image).isImage());
        }
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(image)).timeout(DOWNLOAD_TIMEOUT)
                    .header("User-Agent", "nano-banana-camel RunPod emulator").GET().build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(false);
        }
        ImageHead head = new ImageHead();
        return http.sendAsync(request, answer -> HttpResponse.BodySubscribers.ofByteArrayConsumer(head))
                .thenApply(response -> response.statusCode() / 100 == 2 && head.isImage())
                .exceptionally(unreachable -> false);
    }

    /**
     * The request parser has checked that the whole payload decodes, so its first characters, a multiple of four,
     * decode too and tell the format without decoding megabytes.
     */
    private static ImageHead dataUriHead(String dataUri) {
        String payload = dataUri.substring(dataUri.indexOf(BASE64_MARKER) + BASE64_MARKER.length());
        return ImageHead.of(Base64.getDecoder().decode(payload.substring(0, Math.min(payload.length(), HEAD_CHARACTERS))));
    }
}
