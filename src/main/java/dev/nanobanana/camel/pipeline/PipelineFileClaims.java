package dev.nanobanana.camel.pipeline;

import java.time.Duration;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nanobanana.camel.source.FileClaims;

/**
 * The file claims that route files name ({@code #nanobananaFileClaims}), kept in the job ledger of the context's
 * pipeline when other instances share it, else in memory. The bean exists before the pipeline does (a kamelet adds it only once the routes that name the bean are
 * created), so the claims are opened on the ledger at their first use, once the routes run.
 */
public final class PipelineFileClaims extends ServiceSupport implements IdempotentRepository {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineFileClaims.class);

    private final CamelContext context;
    private IdempotentRepository claims;

    public PipelineFileClaims(CamelContext context) {
        this.context = context;
    }

    /**
     * Lets go of every file this instance still claims, once its routes have stopped: a job file left in the inbox by a
     * graceful stop (jobs not submitted yet) is then taken at the next start, or by another instance, at once rather than
     * once its claim has aged. After a crash nothing runs this, and the claims age out.
     *
     * <p>The claims stop refreshing here too, before the ledger they are kept in closes: camel-sql would refresh them
     * until the context shuts its threads down, which it does only after everything that follows its stop, and each
     * refresh on the closed ledger would log an error.
     */
    void releaseHeld() {
        IdempotentRepository held;
        synchronized (this) {
            held = claims;
        }
        if (held == null) {
            return;
        }
        try {
            held.clear();
        } catch (RuntimeException e) {
            LOG.warn("Could not let go of this instance's file claims ({}): its job files left in a source are taken "
                     + "once the claims have aged", e.getMessage());
        } finally {
            ServiceHelper.stopAndShutdownService(held);
        }
    }

    private synchronized IdempotentRepository claims() {
        if (claims == null) {
            PipelineBeans pipeline = PipelineBeans.in(context);
            if (pipeline == null) {
                throw new IllegalStateException(PipelineBeans.FILE_CLAIMS + " keeps its claims in the job ledger of "
                        + "the nano-banana pipeline, which this CamelContext does not have: add NanoBananaErrorHandling "
                        + "and NanoBananaRoutes, or call kamelet:nano-banana-edit-action from a route");
            }
            Duration maxAge = pipeline.fileClaimMaxAge();
            // a live instance refreshes its claims often enough that they never reach the age of a dead one's
            Duration keepAlive = maxAge.dividedBy(3).compareTo(Duration.ofSeconds(5)) < 0 ? maxAge.dividedBy(3)
                    : Duration.ofSeconds(5);
            IdempotentRepository opened = pipeline.clerk().ledger().onlyThisProcess() ? FileClaims.inThisProcess()
                    : FileClaims.repository(pipeline.clerk().ledger().dataSource(), context, "nanobanana-files",
                            keepAlive, maxAge);
            ServiceHelper.startService(opened);
            claims = opened;
        }
        return claims;
    }

    @Override
    protected void doStop() {
        IdempotentRepository held;
        synchronized (this) {
            held = claims;
        }
        // stopped, not forgotten: releaseHeld runs once the context has stopped
        ServiceHelper.stopService(held);
    }

    @Override
    public boolean add(String key) {
        return claims().add(key);
    }

    @Override
    public boolean add(Exchange exchange, String key) {
        return claims().add(exchange, key);
    }

    @Override
    public boolean contains(String key) {
        return claims().contains(key);
    }

    @Override
    public boolean contains(Exchange exchange, String key) {
        return claims().contains(exchange, key);
    }

    @Override
    public boolean remove(String key) {
        return claims().remove(key);
    }

    @Override
    public boolean remove(Exchange exchange, String key) {
        return claims().remove(exchange, key);
    }

    @Override
    public boolean confirm(String key) {
        return claims().confirm(key);
    }

    @Override
    public boolean confirm(Exchange exchange, String key) {
        return claims().confirm(exchange, key);
    }

    @Override
    public void clear() {
        claims().clear();
    }
}
