package dev.nanobanana.camel.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.apache.camel.Exchange;

import dev.nanobanana.camel.job.JobStep;
import dev.nanobanana.camel.runpod.PollDeadlineExceededException;
import dev.nanobanana.camel.runpod.RunpodJobFailedException;
import dev.nanobanana.camel.runpod.RunpodResult;

/**
 * When to ask RunPod again about a job that {@code /runsync} left queued or running: at a growing interval, until it
 * ends or the deadline passes.
 */
public class Polling {

    private final Duration initialInterval;
    private final Duration maxInterval;
    private final double multiplier;
    private final Duration deadline;
    private final Clock clock;

    public Polling(Duration initialInterval, Duration maxInterval, double multiplier, Duration deadline, Clock clock) {
        this.initialInterval = initialInterval;
        this.maxInterval = maxInterval;
        this.multiplier = multiplier;
        this.deadline = deadline;
        this.clock = clock;
    }

    /** Whether the job is still queued or running and there is time left to wait for it. */
    public boolean shouldPoll(Exchange exchange) {
        return !JobExchange.result(exchange).isTerminal() && remaining(exchange).toMillis() > 0;
    }

    /** The wait before the next poll, in milliseconds: the interval grows with each poll, but never past the deadline. */
    public long nextDelay(Exchange exchange) {
        int polls = JobExchange.state(exchange).progress().polls();
        JobExchange.progress(exchange, progress -> progress.polled(clock.instant()));
        double interval = initialInterval.toMillis() * Math.pow(multiplier, polls);
        long wait = (long) Math.min(interval, maxInterval.toMillis());
        return Math.max(0, Math.min(wait, remaining(exchange).toMillis()));
    }

    /** Whether polling stopped at the deadline with the job still unfinished. */
    public boolean pastDeadline(Exchange exchange) {
        return !JobExchange.result(exchange).isTerminal();
    }

    /**
     * Ends the wait: a completed job goes on to the sink. A job RunPod ended otherwise failed, and so did one that was
     * cancelled at the deadline (unless it completed just before the cancel reached RunPod).
     */
    public void requireCompleted(Exchange exchange) throws RunpodJobFailedException, PollDeadlineExceededException {
        RunpodResult result = JobExchange.result(exchange);
        if (result.isCompleted()) {
            return;
        }
        if (JobExchange.step(exchange) == JobStep.CANCEL) {
            throw new PollDeadlineExceededException(result, deadline);
        }
        throw new RunpodJobFailedException(result);
    }

    private Duration remaining(Exchange exchange) {
        Instant now = clock.instant();
        JobExchange.progress(exchange, progress -> progress.pollingFrom(now));
        Instant started = JobExchange.state(exchange).progress().pollStarted();
        return Duration.between(now, started.plus(deadline));
    }
}
