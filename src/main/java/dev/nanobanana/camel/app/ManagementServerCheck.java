package dev.nanobanana.camel.app;

import java.net.BindException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.vertx.core.Vertx;
import io.vertx.core.net.impl.TCPServerBase;
import org.apache.camel.CamelContext;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.StartupListener;
import org.apache.camel.VetoCamelContextStartException;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management server (health, metrics, the status page) listens, or the runtime does not start. Camel starts it
 * before the routes and, when its port cannot be had, only logs that and runs on without it, while a probe of the
 * port reaches whatever holds it. Here the start is refused before any route takes a file, in one line that names the
 * address and the key to change; the server's Vert.x, handed to Camel, keeps the bind failure out of the log as a
 * stack trace.
 */
final class ManagementServerCheck implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServerCheck.class);
    /** The bind failure reaches Vert.x's handler just after Camel's start of the server returns. */
    private static final long REASON_WAIT_MILLIS = 2000;
    private static final long CLOSE_WAIT_SECONDS = 10;

    private final Vertx vertx = Vertx.vertx();
    private final CompletableFuture<BindException> bindFailure = new CompletableFuture<>();

    private ManagementServerCheck() {
        vertx.exceptionHandler(this::unhandled);
    }

    /** Hands Camel the management server's Vert.x and checks, once the server was started, that it listens. */
    static ManagementServerCheck install(CamelContext context) {
        ManagementServerCheck check = new ManagementServerCheck();
        // the one Vert.x in the registry is the one Camel's management server uses
        context.getRegistry().bind("nanobananaManagementVertx", Vertx.class, check.vertx);
        try {
            context.addStartupListener(check);
        } catch (Exception e) {
            // only a context started already calls the listener at once, and this one is not started yet
            throw RuntimeCamelException.wrapRuntimeException(e);
        }
        return check;
    }

    /** Once the routes are ready and the management server was started, before any route takes a file. */
    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) throws Exception {
        for (VertxPlatformHttpServer server : context.hasServices(VertxPlatformHttpServer.class)) {
            // only Vert.x's implementation says whether the bind worked: its actualPort() is the port asked for either
            // way
            if (server.getServer() instanceof TCPServerBase bound && !bound.isListening()) {
                String address = server.getHost() + ":" + server.getConfigurationPort();
                String refusal = "The management server (health, metrics, status page) cannot listen on " + address
                                 + reason() + ": set camel.management.port (CAMEL_MANAGEMENT_PORT) to a free port, or "
                                 + "camel.management.enabled=false to run without it";
                throw new VetoCamelContextStartException("the management server cannot listen on " + address,
                        new StartupRefused(refusal), context, true);
            }
        }
    }

    /** Closes the Vert.x once Camel has stopped the server: Camel closes only a Vert.x it made itself. */
    void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("The management server's Vert.x did not close: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Vert.x's own answer to an exception no handler took is an ERROR with its stack trace. */
    private void unhandled(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException bind) {
                // Camel has logged it in one line, and the refusal says what to do
                bindFailure.complete(bind);
                return;
            }
        }
        LOG.error("Unhandled exception in the management server: {}", failure.getMessage(), failure);
    }

    private String reason() throws InterruptedException {
        try {
            return " (" + bindFailure.get(REASON_WAIT_MILLIS, TimeUnit.MILLISECONDS).getMessage() + ")";
        } catch (ExecutionException | TimeoutException e) {
            return "";
        }
    }
}
