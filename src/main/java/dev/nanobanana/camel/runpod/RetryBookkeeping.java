package dev.nanobanana.camel.runpod;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;

import dev.nanobanana.camel.JobExchange;

/**
 * Runs each time a step of a job fails, before Camel's error handler decides on a retry: records the attempts made,
 * and when the server said how long to wait ({@code Retry-After}), has the next retry wait that long (up to the
 * configured maximum) instead of the exponential backoff.
 */
public class RetryBookkeeping implements Processor {

    private final Duration maxDelay;
    private final Clock clock;

    public RetryBookkeeping(Duration maxDelay, Clock clock) {
        this.maxDelay = maxDelay;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(JobExchange.ATTEMPTS,
                exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class));
        Exception failure = exchange.getException();
        if (failure instanceof HttpOperationFailedException http && retryAfter(http.getResponseHeaders()) != null) {
            Duration wait = retryAfter(http.getResponseHeaders());
            exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, Math.min(wait.toMillis(), maxDelay.toMillis()));
        } else {
            exchange.getIn().removeHeader(Exchange.REDELIVERY_DELAY);
        }
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
