package dev.nanobanana.emulator;

import com.sun.net.httpserver.HttpServer;
import dev.nanobanana.camel.runpod.RunpodStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;

/**
 * A stand-in for RunPod's Nano Banana 2 Edit serverless endpoint, on 127.0.0.1 by default, for running offline, for
 * tests and for load tests, whose faults can be injected one request at a time.
 */
public final class RunpodEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunpodEmulator.class);

    /**
     * Connections waiting to be accepted. The JDK's default of 50 makes a burst of a few hundred clients wait for
     * TCP's one-second SYN retry; Linux caps this at net.core.somaxconn (4096 by default).
     */
    private static final int ACCEPT_BACKLOG = 4096;
    private static final String NO_DELAY = "sun.net.httpserver.nodelay";

    static {
        // the JDK's server leaves Nagle's algorithm on: an answer's small body, written after its headers, waits for
        // the client's delayed ACK (40 ms on Linux), which RunPod does not add to each answer. The JDK reads this
        // once, when its first server in the process is made.
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
    }

    private final EmulatorSettings settings;
    private final HttpServer server;
    private final EmulatorThreads threads = new EmulatorThreads();
    private final JobBoard board;
    private final JobView view;
    private final FaultQueue faults = new FaultQueue();
    private final RequestLog requests;

    private RunpodEmulator(EmulatorSettings settings) throws IOException {
        this.settings = settings;
        InetSocketAddress address = new InetSocketAddress(settings.host(), settings.port());
        if (address.isUnresolved()) {
            throw new UnknownHostException("no address of this machine is named " + settings.host());
        }
        this.server = HttpServer.create(address, ACCEPT_BACKLOG);
        this.requests = new RequestLog(settings.recordedRequests());
        EmulatorClock clock = new EmulatorClock(threads.clock());
        OutputImages images = settings.imageBytes() > 0
                ? new FixedSizeImage(settings.imageBytes())
                : new PromptImages(threads.render());
        InputImages inputs = settings.fetchInputs() ? new InputFetcher(threads.fetch()) : InputImages.trusted();
        this.board = new JobBoard(settings, clock, new JobWorker(images, inputs, settings.queueDelay().toMillis()));
        this.view = new JobView(settings.base64Style());
        JobApi api = new JobApi(board, faults, view, settings.runsyncWait(), clock, threads.http());
        server.createContext("/", new EmulatorHandler(api, faults, requests, this::stats, settings.apiKey(),
                baseUrl()));
        server.setExecutor(threads.http());
    }

    /** Starts an emulator listening at the settings' host (127.0.0.1 unless they say otherwise) and port. */
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

    /** Where {@link #stats()} is served as JSON, without a key. */
    public String statsUrl() {
        return baseUrl() + EmulatorHandler.STATS_PATH;
    }

    public String apiKey() {
        return settings.apiKey();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * The latest requests received for one of the operations, in order, at most
     * {@link EmulatorSettings#recordedRequests()} of them; requests to unknown paths are not kept.
     */
    public List<RecordedRequest> requests() {
        return requests.latest();
    }

    /** The latest requests received for one operation, in order. */
    public List<RecordedRequest> requests(Operation operation) {
        return requests().stream().filter(request -> request.operation() == operation).toList();
    }

    /** Counts of requests and jobs since the emulator started. */
    public EmulatorStats stats() {
        JobCounts jobs = board.counts();
        return new EmulatorStats(requests.counts(), jobs.inFlight(), jobs.maxInFlight(),
                jobs.ended(RunpodStatus.COMPLETED), jobs.ended(RunpodStatus.FAILED), jobs.ended(RunpodStatus.CANCELLED),
                jobs.ended(RunpodStatus.TIMED_OUT), board.kept());
    }

    /** The most runsync and run jobs that were in flight (IN_QUEUE or IN_PROGRESS) at once. */
    public int maxConcurrentJobs() {
        return board.counts().maxInFlight();
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

    /** Drops every injected fault not used yet. */
    public void clearFaults() {
        faults.clear();
    }

    /** Changes where base64 images go in answers given from now on. */
    public void setBase64Style(Base64Style base64Style) {
        view.setBase64Style(base64Style);
    }

    /**
     * Stops at once, dropping open connections, including runsync calls still waiting for their job. Jobs in flight
     * just stop: none ends, so no client is told that a job failed because the emulator stopped.
     */
    @Override
    public void close() {
        board.close();
        server.stop(0);
        threads.close();
    }

    /** Its own URL: on loopback when it listens on every interface, which is one of them. */
    private String baseUrl() {
        InetAddress listening = server.getAddress().getAddress();
        String host = listening.isAnyLocalAddress() ? "127.0.0.1" : listening.getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }
}
