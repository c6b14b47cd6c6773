package dev.nanobanana.camel.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.apache.camel.Exchange;

import dev.nanobanana.camel.job.JobStep;
import dev.nanobanana.camel.runpod.RunpodProtocolException;
import dev.nanobanana.camel.job.JobState;

/**
 * How long an image that is paid for is tried: downloading it, or storing it in its sink, is attempted again on any
 * failure (a CDN's 404 right after COMPLETED, a sink that is down) for {@code nanobanana.retry.paid-image-for},
 * before the job is recorded as failed with the image's URL or the spool file that keeps it.
 */
public final class PaidImageRetries {

    private final Duration period;
    private final Clock clock;

    public PaidImageRetries(Duration period, Clock clock) {
        this.period = period;
        this.clock = clock;
    }

    /** Whether the job failed at a step whose image is paid for, with a failure that another attempt may mend. */
    public static boolean applies(Exchange exchange) {
        JobStep step = JobExchange.step(exchange);
        return (step == JobStep.DOWNLOAD || step == JobStep.STORE)
               && !(JobExchange.failure(exchange) instanceof RunpodProtocolException);
    }

    public boolean shouldRetry(Exchange exchange) {
        return applies(exchange) && Duration.between(failingSince(exchange), clock.instant()).compareTo(period) <= 0;
    }

    public Duration period() {
        return period;
    }

    private Instant failingSince(Exchange exchange) {
        JobState state = JobExchange.state(exchange);
        Instant since = state == null ? null : state.progress().failingSince();
        return since != null ? since : clock.instant();
    }
}
