package dev.nanobanana.emulator;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The emulator's few threads, named {@code runpod-emulator-<role>-<n>}. A waiting runsync or a running job holds
 * none of them: they only read requests, write answers, keep time, render images and fetch input images.
 */
final class EmulatorThreads implements AutoCloseable {

    /**
     * Reading a request and writing an answer block while the client is slow to send or read, so there are more of
     * these than cores; a fixed number, so that the emulator looks the same to a load test on any machine.
     */
    private static final int HTTP_THREADS = 16;
    /** Rendering is all CPU. */
    private static final int RENDER_THREADS = Math.min(8, Runtime.getRuntime().availableProcessors());
    /** Fetching is asynchronous; these only run its callbacks. */
    private static final int FETCH_THREADS = 2;

    private final ExecutorService http = pool("http", HTTP_THREADS);
    private final ExecutorService render = pool("render", RENDER_THREADS);
    private final ExecutorService fetch = pool("fetch", FETCH_THREADS);
    private final ScheduledThreadPoolExecutor clock = new ScheduledThreadPoolExecutor(1, named("clock"));

    EmulatorThreads() {
        // a runsync answered early cancels its window's timer; without this the timers of 90 s windows pile up
        clock.setRemoveOnCancelPolicy(true);
    }

    /** Reads requests and writes answers. */
    ExecutorService http() {
        return http;
    }

    ExecutorService render() {
        return render;
    }

    ExecutorService fetch() {
        return fetch;
    }

    ScheduledExecutorService clock() {
        return clock;
    }

    @Override
    public void close() {
        clock.shutdownNow();
        http.shutdownNow();
        render.shutdownNow();
        fetch.shutdownNow();
    }

    /** A fixed pool whose threads start when needed and end when idle, so that an idle emulator holds no thread. */
    private static ExecutorService pool(String role, int threads) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), named(role));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static ThreadFactory named(String role) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "runpod-emulator-" + role + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
