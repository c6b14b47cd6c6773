package dev.nanobanana.camel.pipeline;

import java.util.Map;

import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.MDC;

import dev.nanobanana.camel.job.JobRoute;
import dev.nanobanana.camel.job.JobState;

/**
 * Every log line about a job carries the job's id, its source and RunPod's id for it in the logging MDC
 * ({@value #JOB_ID}, {@value #SOURCE}, {@value #RUNPOD_JOB_ID}), and, when it is traced, its trace
 * ({@value #TRACE_ID}, {@value #SPAN_ID}), whoever logs it: each step of every route sets them
 * from the job's state while it runs, and again when an asynchronous step (a call to RunPod) comes back on another
 * thread. A JSON log has them as fields; the plain log shows them only if its pattern asks ({@code %X{jobId}}).
 *
 * <p>Camel's own MDC support copies headers and exchange properties as their text; a job's fields are in one value,
 * its {@link JobState}, so this strategy reads them from there.
 */
public final class JobLogFields implements InterceptStrategy {

    public static final String JOB_ID = "jobId";
    public static final String SOURCE = "source";
    public static final String RUNPOD_JOB_ID = "runpodJobId";
    /** With tracing on ({@link JobTracing}), the job's trace: a log line about a job leads to it. */
    public static final String TRACE_ID = "traceId";
    public static final String SPAN_ID = "spanId";
    private static final String[] KEYS = {JOB_ID, SOURCE, RUNPOD_JOB_ID, TRACE_ID, SPAN_ID};
    /** Where Camel's tracer puts the ids on the exchange, set up so by JobTracer. */
    private static final String CAMEL_TRACE_ID = "CAMEL_TRACE_ID";
    private static final String CAMEL_SPAN_ID = "CAMEL_SPAN_ID";
    /** W3C Trace Context, which Camel's tracer propagates by default: 00-(trace id)-(span id)-(flags). */
    private static final String TRACEPARENT = "traceparent";

    private JobLogFields() {
    }

    /** Puts the fields of every job of the context into the MDC of the lines logged about it, once. */
    public static void install(CamelContext context) {
        if (context.getCamelContextExtension().getInterceptStrategies().stream()
                .noneMatch(JobLogFields.class::isInstance)) {
            context.getCamelContextExtension().addInterceptStrategy(new JobLogFields());
        }
    }

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
            Processor nextTarget) {
        AsyncProcessor step = AsyncProcessorConverterHelper.convert(target);
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                String[] before = put(exchange);
                try {
                    return step.process(exchange, doneSync -> {
                        if (doneSync) {
                            callback.done(true);
                            return;
                        }
                        // the rest of the job's way (and its error handling) runs on this thread now
                        String[] outside = put(exchange);
                        try {
                            callback.done(false);
                        } finally {
                            restore(outside);
                        }
                    });
                } finally {
                    restore(before);
                }
            }

            @Override
            public String toString() {
                return step.toString();
            }
        };
    }

    /**
     * Runs {@code work} with the job's fields in this thread's MDC, for lines logged about the job outside any step: in
     * a continuation on the thread RunPod's answer came back on, before the step hands the exchange on.
     */
    static void around(Exchange exchange, Runnable work) {
        String[] before = put(exchange);
        try {
            work.run();
        } finally {
            restore(before);
        }
    }

    /** Sets the job's fields (removes those it has not), and answers what was there before, in the order of KEYS. */
    private static String[] put(Exchange exchange) {
        String[] before = new String[KEYS.length];
        for (int i = 0; i < KEYS.length; i++) {
            before[i] = MDC.get(KEYS[i]);
        }
        JobState state = JobExchange.state(exchange);
        JobRoute route = state != null ? state.route() : exchange.getProperty(JobExchange.ROUTE, JobRoute.class);
        set(JOB_ID, state != null ? state.jobId() : null);
        set(SOURCE, route != null ? route.source() : null);
        set(RUNPOD_JOB_ID, state != null && state.result() != null ? state.result().id() : null);
        String traceId = exchange.getIn().getHeader(CAMEL_TRACE_ID, String.class);
        String spanId = exchange.getIn().getHeader(CAMEL_SPAN_ID, String.class);
        if (traceId != null && exchange.getProperty(ActiveSpan.PROPERTY) != null) {
            // the span of the step that runs now, not the last one started (a sink's, a step it called)
            Map<String, String> active = ActiveSpan.ids(exchange);
            traceId = active.getOrDefault(CAMEL_TRACE_ID, traceId);
            spanId = active.getOrDefault(CAMEL_SPAN_ID, spanId);
        }
        String[] parent = traceId == null ? exchange.getIn().getHeader(TRACEPARENT, "", String.class).split("-") : null;
        if (parent != null && parent.length == 4) {
            traceId = parent[1];
            spanId = parent[2];
        }
        set(TRACE_ID, traceId);
        set(SPAN_ID, spanId);
        return before;
    }

    private static void restore(String[] before) {
        for (int i = 0; i < KEYS.length; i++) {
            set(KEYS[i], before[i]);
        }
    }

    private static void set(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
