package dev.nanobanana.camel.runpod;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.camel.util.TimeUtils;

/**
 * Ends an answer whose body stops arriving. java.net.http's request timeout only bounds the wait for the headers, so
 * a server that sends part of a body and then nothing, keeping the connection open, would hold a job for ever. Here
 * a body that gets no byte for the idle time fails with a {@link BodyStalledException} and its subscription is
 * cancelled, which closes the connection; a body that arrives slowly but steadily is never cut off. One timer thread
 * serves every answer in flight.
 */
final class BodyIdleTimeout implements AutoCloseable {

    private final long idleNanos;
    private final String idleText;
    private final ScheduledThreadPoolExecutor timers;

    BodyIdleTimeout(Duration idle) {
        this.idleNanos = idle.toNanos();
        this.idleText = TimeUtils.printDuration(idle.toMillis());
        this.timers = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "nanobanana-http-idle");
            thread.setDaemon(true);
            return thread;
        });
        // a body that completes cancels its timer: without this, the timers of finished answers would pile up
        this.timers.setRemoveOnCancelPolicy(true);
    }

    /**
     * {@code handler}, with its body bounded.
     *
     * @param what what the body is, for the message: "the answer", "the image"
     */
    <T> HttpResponse.BodyHandler<T> bound(HttpResponse.BodyHandler<T> handler, String what, URI from) {
        String stalled = "no data for " + idleText + " while reading " + what + " from " + withoutQuery(from);
        return info -> new Watched<>(handler.apply(info), stalled);
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }

    /** A presigned image URL carries its signature in the query: the message names the host and path only. */
    private static String withoutQuery(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    private final class Watched<T> implements HttpResponse.BodySubscriber<T> {

        private final HttpResponse.BodySubscriber<T> body;
        private final String stalled;
        private Flow.Subscription subscription;
        private ScheduledFuture<?> timer;
        private long lastArrival;
        private boolean ended;

        Watched(HttpResponse.BodySubscriber<T> body, String stalled) {
            this.body = body;
            this.stalled = stalled;
        }

        @Override
        public CompletionStage<T> getBody() {
            return body.getBody();
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            synchronized (this) {
                this.subscription = subscription;
                lastArrival = System.nanoTime();
                watch(idleNanos);
            }
            body.onSubscribe(subscription);
        }

        // the signals to the body are made under this object's lock, so that a stall never overlaps a chunk being
        // written, and nothing reaches the body after it has ended
        @Override
        public synchronized void onNext(List<ByteBuffer> buffers) {
            if (!ended) {
                lastArrival = System.nanoTime();
                body.onNext(buffers);
            }
        }

        @Override
        public synchronized void onError(Throwable error) {
            if (end()) {
                body.onError(error);
            }
        }

        @Override
        public synchronized void onComplete() {
            if (end()) {
                body.onComplete();
            }
        }

        private boolean end() {
            if (ended) {
                return false;
            }
            ended = true;
            if (timer != null) {
                timer.cancel(false);
            }
            return true;
        }

        private void watch(long delayNanos) {
            try {
                timer = timers.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // the client is closing: its answers are not waited for any more
            }
        }

        private void check() {
            synchronized (this) {
                if (ended) {
                    return;
                }
                long quiet = System.nanoTime() - lastArrival;
                if (quiet < idleNanos) {
                    watch(idleNanos - quiet);
                    return;
                }
                ended = true;
                body.onError(new BodyStalledException(stalled));
            }
            // cancelling the subscription closes the connection; outside the lock, as the client may call back
            subscription.cancel();
        }
    }
}
