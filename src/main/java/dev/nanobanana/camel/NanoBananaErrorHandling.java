package dev.nanobanana.camel;

import java.io.IOException;
import java.time.Clock;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;

import dev.nanobanana.camel.runpod.RetryBookkeeping;
import dev.nanobanana.camel.runpod.TransientFailures;

/**
 * How a job's failures are handled, in one place: I/O errors, 408, 429 and 5xx are retried with exponential backoff
 * and jitter (or the server's {@code Retry-After}), up to {@code nanobanana.retry.max-attempts}; everything else is
 * final at once. Every failure ends in the failed sink. Routes opt in with
 * {@code routeConfigurationId("nanobanana-error-handling")}.
 */
public class NanoBananaErrorHandling extends RouteConfigurationBuilder {

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
        NanoBananaSettings settings = given != null ? given : NanoBananaSettings.from(getContext());
        RouteConfigurationDefinition configuration = routeConfiguration(ID);
        configuration.errorHandler(defaultErrorHandler()
                .onExceptionOccurred(new RetryBookkeeping(settings.retryMaxDelay(), Clock.systemUTC())));

        retried(settings, configuration.onException(IOException.class));
        retried(settings, configuration.onException(HttpOperationFailedException.class)
                .onWhen(TransientFailures.TRANSIENT_STATUS));
        configuration.onException(Exception.class)
                .handled(true)
                .to(NanoBananaRoutes.FAILED_SINK);
    }

    private static void retried(NanoBananaSettings settings, OnExceptionDefinition onException) {
        onException
                .maximumRedeliveries(settings.retryMaxAttempts() - 1)
                .redeliveryDelay(settings.retryInitialDelay().toMillis())
                .useExponentialBackOff()
                .backOffMultiplier(settings.retryMultiplier())
                .maximumRedeliveryDelay(settings.retryMaxDelay().toMillis())
                .useCollisionAvoidance()
                .logRetryAttempted(true)
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .handled(true)
                .to(NanoBananaRoutes.FAILED_SINK);
    }
}
