package dev.nanobanana.camel.source;

import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a source's consumer does with errors outside a route: a failed poll is not logged again (the
 * {@link SourcePollStrategy} has said it once); anything else (a job file that could not be moved to {@code .done},
 * say) is one line that says what and why, without a stack trace. Use it as the consumer's {@code exceptionHandler}.
 */
public final class SourceErrors implements ExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SourceErrors.class);
    private static final String FAILED_POLL = "Failed polling endpoint";

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        if (message != null && message.startsWith(FAILED_POLL)) {
            LOG.debug("{}", message, exception);
            return;
        }
        LOG.warn("{}: {}", message == null ? "A job file source failed" : message,
                SourcePollStrategy.describe(exception));
        LOG.debug("The failure in full", exception);
    }
}
