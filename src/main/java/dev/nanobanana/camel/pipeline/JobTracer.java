package dev.nanobanana.camel.pipeline;

import org.apache.camel.CamelContext;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;
import org.apache.camel.support.CamelContextHelper;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.ContextPropagators;

/**
 * Camel's OpenTelemetry tracer, set up for the pipeline, with the application's tracer: a Camel tracer the context
 * has already (say, from {@code camel.opentelemetry2.enabled=true}), else an OpenTelemetry {@link Tracer} or
 * {@link OpenTelemetry} bean, else the GlobalOpenTelemetry an agent or the application set. Only reached when
 * camel-opentelemetry2 is on the class path ({@link JobTracing}).
 */
final class JobTracer {

    /** Camel's name for its tracer's instrumentation scope. */
    static final String SCOPE = "camel";
    /**
     * The routes that only chain a job's steps (the slot it holds, the loop of polls): their spans would sit between
     * the job's and its steps', saying nothing more.
     */
    static final String CHAINING_ROUTES = NanoBananaRoutes.RUN + "," + NanoBananaRoutes.FINISH;

    private JobTracer() {
    }

    static boolean install(CamelContext context) {
        if (context.hasService(org.apache.camel.telemetry.Tracer.class) == null) {
            if (!hasTracer(context)) {
                return false;
            }
            OpenTelemetryTracer tracer = new OpenTelemetryTracer();
            tracer.setExcludePatterns(CHAINING_ROUTES);
            // the trace and span ids on the exchange, for the log's MDC (JobLogFields)
            tracer.setTraceHeadersInclusion(true);
            tracer.init(context);
        }
        return true;
    }

    /**
     * Whether the application gave a tracer; an {@link OpenTelemetry} bean is made into the beans Camel's tracer looks
     * for.
     */
    private static boolean hasTracer(CamelContext context) {
        if (CamelContextHelper.findSingleByType(context, Tracer.class) != null) {
            return true;
        }
        OpenTelemetry openTelemetry = CamelContextHelper.findSingleByType(context, OpenTelemetry.class);
        if (openTelemetry != null) {
            context.getRegistry().bind("nanobananaTracer", Tracer.class, openTelemetry.getTracer(SCOPE));
            if (CamelContextHelper.findSingleByType(context, ContextPropagators.class) == null) {
                context.getRegistry().bind("nanobananaPropagators", ContextPropagators.class,
                        openTelemetry.getPropagators());
            }
            return true;
        }
        return GlobalOpenTelemetry.isSet();
    }
}
