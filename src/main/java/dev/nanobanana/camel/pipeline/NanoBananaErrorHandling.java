package dev.nanobanana.camel.pipeline;

import java.io.IOException;
import java.time.Clock;

import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nanobanana.camel.ledger.ClaimLostException;
import dev.nanobanana.camel.ledger.LedgerException;
import dev.nanobanana.camel.observe.JobMetrics;
import dev.nanobanana.camel.settings.NanoBananaSettings;

/**
 * How a job's failures are handled, in one place: the failures that {@link JobFailure} says are transient are retried with exponential backoff
 * and jitter (or the server's {@code Retry-After}), up to {@code nanobanana.retry.max-attempts} attempts; an image
 * that is paid for is tried for a while longer ({@link PaidImageRetries}); everything else is final at once. Every failure ends in the failed sink. Routes opt in with
 * {@code routeConfigurationId("nanobanana-error-handling")}.
 */
public class NanoBananaErrorHandling extends RouteConfigurationBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(NanoBananaErrorHandling.class);

    public static final String ID = "nanobanana-error-handling";

    private final NanoBananaSettings given;

    /** Reads the retry settings from the context's properties. */
    public NanoBananaErrorHandling() {
        this(null);
    }

    public NanoBananaErrorHandling(NanoBananaSettings settings) {
        this.given = settings;
    }

    @Override
    public void configuration() {
        NanoBananaSettings settings = given != null ? given : NanoBananaSettings.of(getContext());
        RouteConfigurationDefinition configuration = routeConfiguration(ID);
        PaidImageRetries paidImages = new PaidImageRetries(settings.retryPaidImageFor(), Clock.systemUTC());
        // a job waiting for its next attempt holds no thread
        configuration.errorHandler(defaultErrorHandler().asyncDelayedRedelivery().onExceptionOccurred(
                new RetryBookkeeping(settings.retryMaxAttempts(), settings.retryMaxDelay(), settings.resubmitInDoubt(),
                        paidImages, Clock.systemUTC(), JobMetrics.of(getContext())::retried)));

        // another instance took the job over (this one's lease ran out): it is that instance's to finish
        configuration.onException(ClaimLostException.class)
                .handled(true)
                .process(exchange -> LOG.warn("Job {} was taken over by another instance while this one was slow to "
                                              + "renew its lease: left to it", JobExchange.jobId(exchange)));

        withBackOff(configuration.onException(Exception.class)
                .onWhen(PaidImageRetries::applies)
                .retryWhile(paidImages::shouldRetry), settings);

        withBackOff(configuration.onException(IOException.class, HttpOperationFailedException.class,
                        LedgerException.class)
                .onWhen(exchange -> !PaidImageRetries.applies(exchange)
                                    && JobFailure.of(exchange).isTransient(settings.resubmitInDoubt()))
                .maximumRedeliveries(settings.retryMaxAttempts() - 1), settings);
        configuration.onException(Exception.class)
                .handled(true)
                .to(NanoBananaRoutes.FAILED_SINK);
    }

    /** Exponential backoff with jitter, waiting without a thread; the retried job ends in the failed sink. */
    private static void withBackOff(OnExceptionDefinition retried, NanoBananaSettings settings) {
        retried.redeliveryDelay(settings.retryInitialDelay().toMillis())
                .useExponentialBackOff()
                .backOffMultiplier(settings.retryMultiplier())
                .maximumRedeliveryDelay(settings.retryMaxDelay().toMillis())
                .useCollisionAvoidance()
                .asyncDelayedRedelivery()
                // RetryBookkeeping says which job is retried, and why
                .logRetryAttempted(false)
                .handled(true)
                .to(NanoBananaRoutes.FAILED_SINK);
    }
}
