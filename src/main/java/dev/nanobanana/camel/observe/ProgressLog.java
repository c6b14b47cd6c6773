package dev.nanobanana.camel.observe;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line every {@code nanobanana.progress.interval} while jobs are pending: done, failed, in flight, waiting
 * (and how many of them for the budget), to go, spent so far, and the time left at the rate jobs ended lately; one
 * line when the batch is over; nothing while idle. A batch runs from the first job taken on after an idle moment until
 * none is pending at a tick.
 */
public final class ProgressLog extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);
    /** The rate is measured over this many intervals at most: recent enough to follow a change of pace. */
    private static final int RATE_WINDOW_TICKS = 6;

    private final JobMetrics metrics;
    private final Duration interval;
    private final CamelContext context;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private JobTally.Counts before;
    private boolean inBatch;
    private long batchStartNanos;
    private ScheduledExecutorService timer;

    /** @param interval how often to say; zero says nothing */
    public ProgressLog(JobMetrics metrics, Duration interval, CamelContext context) {
        this.metrics = metrics;
        this.interval = interval;
        this.context = context;
    }

    @Override
    protected void doStart() {
        before = metrics.counts();
        if (interval.isZero()) {
            return;
        }
        timer = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "nanobanana-progress");
        timer.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (timer != null) {
            context.getExecutorServiceManager().shutdownNow(timer);
            timer = null;
        }
    }

    /** Says how far the batch has come, if there is one; public for tests and for runtimes that tick themselves. */
    public synchronized void tick() {
        try {
            JobTally.Counts now = metrics.counts();
            long nanos = System.nanoTime();
            boolean pending = now.toGo() > 0;
            if (!pending && now.started() == before.started()) {
                return;
            }
            if (!inBatch) {
                inBatch = true;
                batchStartNanos = now.busySinceNanos();
                samples.clear();
                samples.add(new Sample(batchStartNanos, before.ended()));
            }
            if (pending) {
                LOG.info(progressLine(now, nanos));
                samples.addLast(new Sample(nanos, now.ended()));
                while (samples.size() > RATE_WINDOW_TICKS + 1) {
                    samples.removeFirst();
                }
            } else {
                LOG.info(finishedLine(now, nanos));
                before = now;
                inBatch = false;
            }
        } catch (RuntimeException e) {
            // a line missed is no reason to stop saying the next ones
            LOG.debug("No progress line this time", e);
        }
    }

    String progressLine(JobTally.Counts now, long nanos) {
        String forBudget = now.waitingForBudget() == 0 ? ""
                : " (" + now.waitingForBudget() + " for the budget cap)";
        return String.format(Locale.ROOT, "Progress: %d done, %d failed, %d in flight, %d waiting%s, %d to go; %s USD "
                                          + "spent; %s", now.done() - before.done(), now.failed() - before.failed(),
                now.inFlight(), now.waiting(), forBudget, now.toGo(),
                usd(now.spentUsd().subtract(before.spentUsd())), timeLeft(now, nanos));
    }

    private String finishedLine(JobTally.Counts now, long nanos) {
        return String.format(Locale.ROOT, "Batch finished in %s: %d done, %d failed; %s USD spent",
                TimeUtils.printDuration(Math.max(1, (nanos - batchStartNanos) / 1_000_000)),
                now.done() - before.done(), now.failed() - before.failed(),
                usd(now.spentUsd().subtract(before.spentUsd())));
    }

    private String timeLeft(JobTally.Counts now, long nanos) {
        if (now.waitingForBudget() > 0) {
            // they go on when the budget lets them, which no rate of jobs ending foretells
            return "time left not known while the budget holds jobs back";
        }
        Sample oldest = samples.peekFirst();
        double seconds = (nanos - oldest.nanos()) / 1e9;
        double rate = seconds <= 0 ? 0 : (now.ended() - oldest.ended()) / seconds;
        if (rate <= 0) {
            return "time left not known yet (no job has ended)";
        }
        long leftMillis = (long) Math.ceil(now.toGo() / rate) * 1000;
        return String.format(Locale.ROOT, "about %s left at %.1f jobs/s", TimeUtils.printDuration(leftMillis), rate);
    }

    /** 0.2625, 10.50, 0.13: every digit RunPod's prices have, and at least cents. */
    static String usd(BigDecimal amount) {
        BigDecimal plain = amount.stripTrailingZeros();
        return plain.setScale(Math.max(2, plain.scale())).toPlainString();
    }

    private record Sample(long nanos, long ended) {
    }
}
