package dev.nanobanana.camel.runpod;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.http.base.HttpOperationFailedException;

import dev.nanobanana.camel.egress.Egress;
import dev.nanobanana.camel.egress.ProxyRefusedException;

/**
 * The HTTP client for RunPod's API and for the images it makes: non-blocking, so that a job waiting on RunPod holds no
 * thread, and streaming, so that an image or a base64 answer goes to a file rather than into the heap. The API key is
 * added here, to API requests only, so that it never sits on a Camel message where a log, a trace or a record could
 * show it. Every answer is bounded by the read timeout twice over: the wait for its headers, and any pause in its
 * body ({@link BodyIdleTimeout}). Nothing is retried here: Camel's error handler owns every retry.
 */
public final class RunpodClient implements AutoCloseable {

    /** Answers up to this size are kept in memory; larger ones (base64 images) are spilled to a file. */
    static final int ANSWER_MEMORY_LIMIT = 256 * 1024;
    /** How much of an error answer is kept for the record. */
    public static final int ERROR_BODY_CHARS = 64 * 1024;

    private final String endpointUrl;
    private final String authorization;
    private final Duration readTimeout;
    private final Path spillDir;
    private final ExecutorService threads;
    private final HttpClient http;
    private final BodyIdleTimeout idleTimeout;
    private final Egress egress;

    /** A client that leaves this machine as the JVM would: its proxy properties, its trust. */
    public RunpodClient(String endpointUrl, String apiKey, Duration connectTimeout, Duration readTimeout,
            Path spillDir) {
        this(endpointUrl, apiKey, connectTimeout, readTimeout, spillDir, Egress.JVM_DEFAULTS);
    }

    /** A client whose every call, to the API and for images, goes out through {@code egress}'s proxy and trust. */
    public RunpodClient(String endpointUrl, String apiKey, Duration connectTimeout, Duration readTimeout,
            Path spillDir, Egress egress) {
        this.egress = egress;
        this.endpointUrl = endpointUrl;
        this.authorization = "Bearer " + apiKey;
        this.readTimeout = readTimeout;
        this.spillDir = spillDir;
        // the client's own work (answers arriving, images written to the spool) is short, and jobs wait without a
        // thread: a few threads serve any number of jobs in flight. (sendAsync then hands each answer on to the common
        // ForkJoinPool; see NanoBananaMain for what that needs on a machine of one or two cores.)
        AtomicInteger count = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(4, task -> {
            Thread thread = new Thread(task, "nanobanana-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.http = egress.configure(HttpClient.newBuilder())
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .executor(threads)
                .build();
        this.idleTimeout = new BodyIdleTimeout(readTimeout);
    }

    public String endpointUrl() {
        return endpointUrl;
    }

    /** A call to the API, such as {@code POST /runsync}; {@code body} is JSON, or null for none. */
    public CompletableFuture<HttpResponse<AnswerBody>> call(String method, String path, byte[] body) {
        return call(method, path, body, readTimeout);
    }

    /**
     * As {@link #call(String, String, byte[])}, waiting at most {@code timeout} for the answer's headers, and at most
     * the read timeout for each next part of its body.
     */
    public CompletableFuture<HttpResponse<AnswerBody>> call(String method, String path, byte[] body,
            Duration timeout) {
        URI uri = URI.create(endpointUrl + path);
        HttpRequest request = egress.authorize(HttpRequest.newBuilder(uri), uri)
                .timeout(timeout)
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return send(request,
                idleTimeout.bound(AnswerBody.handler(spillDir, ANSWER_MEMORY_LIMIT), "the answer", request.uri()));
    }

    /**
     * Downloads an image into {@code target}, whatever the status: the caller checks it, and removes the file if the
     * download fails. No key is sent.
     */
    public CompletableFuture<HttpResponse<Path>> download(String url, Path target) {
        URI uri = URI.create(url);
        HttpRequest request = egress.authorize(HttpRequest.newBuilder(uri), uri).timeout(readTimeout).GET().build();
        return send(request,
                idleTimeout.bound(HttpResponse.BodyHandlers.ofFile(target), "the image", request.uri()));
    }

    /**
     * Sends the request; a proxy that cannot be reached, or that refuses the call (407), fails it as such, not as the
     * host behind it.
     */
    private <T> CompletableFuture<HttpResponse<T>> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return http.sendAsync(request, handler)
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(egress.explain(failure, request.uri())))
                .thenCompose(response -> {
                    Optional<ProxyRefusedException> refused = egress.refusal(response.statusCode(), request.uri());
                    if (refused.isEmpty()) {
                        return CompletableFuture.completedFuture(response);
                    }
                    if (response.body() instanceof AnswerBody body) {
                        body.close();
                    }
                    return CompletableFuture.failedFuture(refused.get());
                });
    }

    /** What Camel's HTTP components throw for a status that is not 2xx: it carries the status, headers and body. */
    public static HttpOperationFailedException failed(String uri, int status, Map<String, List<String>> headers,
            String body) {
        Map<String, String> first = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> {
            if (!values.isEmpty()) {
                first.put(name, values.get(0));
            }
        });
        return new HttpOperationFailedException(uri, status, null, first.get("Location"), first, body);
    }

    @Override
    public void close() {
        idleTimeout.close();
        threads.shutdownNow();
    }
}
