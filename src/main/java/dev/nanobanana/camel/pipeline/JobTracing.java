package dev.nanobanana.camel.pipeline;

import org.apache.camel.CamelContext;

/**
 * A trace per job, when the application has a tracer: the job's steps as spans with domain names and attributes
 * ({@link JobSpanDecorator}), and its trace id in the log lines about it ({@link JobLogFields}). Off, and nothing
 * installed, when camel-opentelemetry2 is not on the class path or no tracer is there to use: no OpenTelemetry bean,
 * no Tracer bean, no GlobalOpenTelemetry, no Camel tracer already installed.
 */
public final class JobTracing {

    private static final String CAMEL_OPENTELEMETRY = "org.apache.camel.opentelemetry2.OpenTelemetryTracer";
    private static final String OPENTELEMETRY_API = "io.opentelemetry.api.OpenTelemetry";

    private JobTracing() {
    }

    /** Installs tracing in the context if it has a tracer to use; answers whether it did. */
    public static boolean install(CamelContext context) {
        if (context.getClassResolver().resolveClass(CAMEL_OPENTELEMETRY) == null
            || context.getClassResolver().resolveClass(OPENTELEMETRY_API) == null) {
            return false;
        }
        return JobTracer.install(context);
    }
}
