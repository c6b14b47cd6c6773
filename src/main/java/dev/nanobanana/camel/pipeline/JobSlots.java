package dev.nanobanana.camel.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limit on jobs in flight: a job holds a slot from the moment it is submitted until its image is kept in the
 * spool (or it fails), and waits for one, holding no thread, when all are taken. When RunPod answers 429 the limit
 * shrinks, and it grows back by one for every limit's worth of jobs RunPod accepts, up to
 * {@code nanobanana.concurrency}, so that retries never become a storm of their own.
 *
 * <p>Intake is held back too: {@link #awaitRoomToWait()} blocks the thread that reads job files while as many jobs
 * wait for a slot as there are slots, so that a folder of 100,000 files is read as fast as it is worked off, no
 * faster.
 */
public final class JobSlots {

    private static final Logger LOG = LoggerFactory.getLogger(JobSlots.class);
    private static final String HOLDS_SLOT = "NanoBananaHoldsSlot";
    private static final long SHRINK_AT_MOST_EVERY_NANOS = 1_000_000_000L;

    private final int max;
    private final Deque<Waiting> waiting = new ArrayDeque<>();
    private final AsyncProcessor acquire = new Acquire();
    private int limit;
    private int inFlight;
    private boolean closed;
    private int acceptedSinceChange;
    private long lastShrink = System.nanoTime() - SHRINK_AT_MOST_EVERY_NANOS;

    public JobSlots(int max) {
        this.max = max;
        this.limit = max;
    }

    /** Takes a slot for the exchange, or waits for one; the slot is given back by {@link #release} at the latest. */
    public AsyncProcessor acquire() {
        return acquire;
    }

    /**
     * Takes a slot for a job RunPod has already (one this instance takes over, or finds again after a restart), at
     * once, even past the limit: RunPod runs it whether it is polled or not, so holding it back would only delay its
     * result, and could leave it waiting for ever behind jobs that hold every slot while they wait for the budget that
     * this very job's result may give back. New jobs are submitted again once fewer than the limit are in flight.
     */
    public void takeForJobAtRunpod(Exchange exchange) {
        synchronized (this) {
            if (closed || exchange.getProperty(HOLDS_SLOT) != null) {
                // stopping: the job stays as the ledger has it, for the next start
                return;
            }
            take(exchange);
        }
        exchange.getExchangeExtension().addOnCompletion(new SlotGivenBack());
    }

    /**
     * No job takes a slot from now on: the runtime is stopping. Jobs in flight finish; jobs still waiting are left as
     * they are, never submitted, and their files stay in the inbox for the next start.
     */
    public void close() {
        List<Waiting> left;
        int running;
        synchronized (this) {
            closed = true;
            left = new ArrayList<>(waiting);
            waiting.clear();
            running = inFlight;
            notifyAll();
        }
        if (running + left.size() > 0) {
            LOG.info("Stopping: {} job(s) in flight may finish; {} waiting job(s) are not submitted, and resume at the "
                     + "next start", running, left.size());
        }
        // a waiting job ends here, unsubmitted: its file stays in the inbox
        for (Waiting job : left) {
            job.exchange.setRouteStop(true);
            job.callback.done(false);
        }
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Gives the exchange's slot back, if it holds one; the next waiting job takes it. */
    public void release(Exchange exchange) {
        if (exchange.removeProperty(HOLDS_SLOT) == null) {
            return;
        }
        Waiting next;
        synchronized (this) {
            inFlight--;
            next = takeNext();
        }
        if (next != null) {
            next.callback.done(false);
        }
    }

    /** RunPod answered 429: fewer jobs in flight for a while. */
    public void throttled() {
        synchronized (this) {
            long now = System.nanoTime();
            if (now - lastShrink < SHRINK_AT_MOST_EVERY_NANOS || limit == 1) {
                return;
            }
            lastShrink = now;
            limit = Math.max(1, limit * 3 / 4);
            acceptedSinceChange = 0;
        }
        LOG.warn("RunPod is rate-limiting (HTTP 429): at most {} jobs in flight for now (nanobanana.concurrency {})",
                limit, max);
    }

    /** RunPod accepted a job: after as many as the limit, the limit grows by one, up to the configured one. */
    public void succeeded() {
        Waiting next = null;
        boolean restored = false;
        synchronized (this) {
            if (limit < max && ++acceptedSinceChange >= limit) {
                limit++;
                acceptedSinceChange = 0;
                restored = limit == max;
                next = takeNext();
            }
        }
        if (restored) {
            LOG.info("RunPod accepts jobs again: back to {} jobs in flight", max);
        }
        if (next != null) {
            next.callback.done(false);
        }
    }

    /**
     * Blocks the calling thread while as many jobs wait for a slot as there are slots.
     *
     * @return false when no more jobs are taken: the runtime is stopping
     */
    public synchronized boolean awaitRoomToWait() throws InterruptedException {
        while (waiting.size() >= max && !closed) {
            wait();
        }
        return !closed;
    }

    /** Whether the thread that reads job files waits in {@link #awaitRoomToWait()}, or would. */
    public synchronized boolean intakeHeldBack() {
        return waiting.size() >= max && !closed;
    }

    public synchronized int inFlight() {
        return inFlight;
    }

    public synchronized int waitingCount() {
        return waiting.size();
    }

    public synchronized int limit() {
        return limit;
    }

    private Waiting takeNext() {
        if (closed || inFlight >= limit || waiting.isEmpty()) {
            return null;
        }
        Waiting next = waiting.poll();
        take(next.exchange);
        notifyAll();
        return next;
    }

    private void take(Exchange exchange) {
        inFlight++;
        exchange.setProperty(HOLDS_SLOT, Boolean.TRUE);
    }

    private record Waiting(Exchange exchange, AsyncCallback callback) {
    }

    private final class SlotGivenBack extends SynchronizationAdapter {

        @Override
        public void onDone(Exchange done) {
            release(done);
        }
    }

    private final class Acquire extends AsyncProcessorSupport {

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            if (exchange.getProperty(HOLDS_SLOT) != null) {
                callback.done(true);
                return true;
            }
            // whatever way the job ends, its slot is given back
            exchange.getExchangeExtension().addOnCompletion(new SlotGivenBack());
            synchronized (JobSlots.this) {
                if (closed) {
                    exchange.setRouteStop(true);
                } else if (inFlight < limit && waiting.isEmpty()) {
                    take(exchange);
                } else {
                    waiting.add(new Waiting(exchange, callback));
                    return false;
                }
            }
            callback.done(true);
            return true;
        }
    }
}
