package dev.nanobanana.camel.emulator;

import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for RunPod's Nano Banana 2 Edit serverless endpoint on 127.0.0.1, for running offline and for tests,
 * whose faults can be injected one request at a time.
 */
public final class RunpodEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunpodEmulator.class);

    private final EmulatorSettings settings;
    private final HttpServer server;
    private final ExecutorService requestThreads;
    private final JobBoard board;
    private final JobView view;
    private final FaultQueue faults = new FaultQueue();
    private final ConcurrentLinkedQueue<RecordedRequest> requests = new ConcurrentLinkedQueue<>();

    private RunpodEmulator(EmulatorSettings settings) throws IOException {
        this.settings = settings;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port()), 0);
        this.board = new JobBoard(settings.latency(), settings.queueDelay());
        this.view = new JobView(baseUrl() + Route.IMAGES_PATH, settings.base64Style());
        JobApi api = new JobApi(board, faults, view, settings.runsyncWait());
        server.createContext("/", new EmulatorHandler(api, faults, requests::add, settings.apiKey()));
        // runsync requests block while their job runs, so each request gets a thread of its own
        AtomicInteger threads = new AtomicInteger();
        this.requestThreads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "runpod-emulator-http-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(requestThreads);
    }

    /** Starts an emulator listening on 127.0.0.1 at the settings' port. */
    public static RunpodEmulator start(EmulatorSettings settings) throws IOException {
        RunpodEmulator emulator = new RunpodEmulator(Objects.requireNonNull(settings, "settings"));
        emulator.server.start();
        LOG.info("RunPod emulator listening on {}", emulator.endpointUrl());
        return emulator;
    }

    /** The endpoint's base URL, such as {@code http://127.0.0.1:8080/v2/google-nano-banana-2-edit}. */
    public String endpointUrl() {
        return baseUrl() + Route.ENDPOINT_PATH;
    }

    public String apiKey() {
        return settings.apiKey();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Every request received so far for one of the operations, in order; requests to unknown paths are not kept. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** The requests received so far for one operation, in order. */
    public List<RecordedRequest> requests(Operation operation) {
        return requests.stream().filter(request -> request.operation() == operation).toList();
    }

    /**
     * Queues a fault for the next request of {@code operation}, after any already queued for it. A fault that replaces
     * the answer meets the next request with the right method, before its key is checked; a fault that shapes a job
     * waits for the next request that creates one.
     *
     * @throws IllegalArgumentException if the fault shapes a job and the operation creates none
     */
    public void inject(Operation operation, Fault fault) {
        faults.add(new FaultSpec(operation, fault));
    }

    /** Changes where base64 images go in answers given from now on. */
    public void setBase64Style(Base64Style base64Style) {
        view.setBase64Style(base64Style);
    }

    /** Stops at once, dropping open connections, including runsync calls still waiting for their job. */
    @Override
    public void close() {
        server.stop(0);
        requestThreads.shutdownNow();
        board.close();
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + port();
    }
}
