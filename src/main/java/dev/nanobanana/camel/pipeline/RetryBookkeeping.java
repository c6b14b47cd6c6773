package dev.nanobanana.camel.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nanobanana.camel.job.JobStep;
import dev.nanobanana.camel.observe.RetryCause;
import dev.nanobanana.camel.runpod.RetryAfter;
import java.time.Instant;

/**
 * Runs each time a step of a job fails, before Camel's error handler decides on a retry: records the attempts made,
 * says in the log what will be retried, and when the server said how long to wait ({@code Retry-After}), has the next
 * retry wait that long (up to the configured maximum) instead of the exponential backoff.
 */
public class RetryBookkeeping implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RetryBookkeeping.class);

    private final int maxAttempts;
    private final Duration maxDelay;
    private final boolean resubmitInDoubt;
    private final PaidImageRetries paidImages;
    private final Clock clock;
    private final Consumer<RetryCause> retried;

    /** @param retried told of each failure that is tried again */
    public RetryBookkeeping(int maxAttempts, Duration maxDelay, boolean resubmitInDoubt,
            PaidImageRetries paidImages, Clock clock, Consumer<RetryCause> retried) {
        this.maxAttempts = maxAttempts;
        this.resubmitInDoubt = resubmitInDoubt;
        this.maxDelay = maxDelay;
        this.paidImages = paidImages;
        this.clock = clock;
        this.retried = retried;
    }

    @Override
    public void process(Exchange exchange) {
        // the error handler may run this after the failed step handed the exchange back, and so outside the MDC the
        // step set (a fast answer completes the call on the thread that made it, and Camel queues the rest)
        JobLogFields.around(exchange, () -> countAndSay(exchange));
    }

    private void countAndSay(Exchange exchange) {
        int attempts = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
        Instant now = clock.instant();
        JobExchange.progress(exchange, progress -> progress.failedAttempt(attempts, now));
        Throwable failure = JobExchange.failure(exchange);
        JobStep step = JobExchange.step(exchange);
        Duration wait = failure instanceof HttpOperationFailedException http ? retryAfter(http.getResponseHeaders())
                : null;
        if (wait != null) {
            wait = wait.compareTo(maxDelay) > 0 ? maxDelay : wait;
            exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, wait.toMillis());
        } else {
            exchange.getIn().removeHeader(Exchange.REDELIVERY_DELAY);
        }
        String how = wait != null ? "in " + wait.toSeconds() + " s as the server asked" : "with backoff";
        if (paidImages.shouldRetry(exchange)) {
            retried.accept(new JobFailure(failure, step).retryCause());
            LOG.warn("Job {}: {} failed ({}), attempt {}; the image is paid for, so it is tried for up to {}; "
                     + "retrying {}", JobExchange.jobId(exchange), step.description(), describe(failure), attempts,
                    TimeUtils.printDuration(paidImages.period().toMillis()), how);
        } else if (!PaidImageRetries.applies(exchange) && attempts < maxAttempts
                   && new JobFailure(failure, step).isTransient(resubmitInDoubt)) {
            retried.accept(new JobFailure(failure, step).retryCause());
            LOG.warn("Job {}: {} failed ({}), attempt {} of {}; retrying {}", JobExchange.jobId(exchange),
                    step.description(), describe(failure), attempts, maxAttempts, how);
        }
    }

    private static String describe(Throwable failure) {
        return failure instanceof HttpOperationFailedException http ? "HTTP " + http.getStatusCode()
                : failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    private Duration retryAfter(Map<String, String> headers) {
        if (headers == null) {
            return null;
        }
        return headers.entrySet().stream()
                .filter(header -> "Retry-After".equalsIgnoreCase(header.getKey()))
                .findFirst()
                .flatMap(header -> RetryAfter.parse(header.getValue(), clock))
                .orElse(null);
    }
}
