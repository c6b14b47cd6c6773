package dev.nanobanana.camel.pipeline;

import java.util.HashMap;
import java.util.Map;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.slf4j.MDC;

/**
 * Puts the trace of the job in hand into the log's MDC, as {@value #TRACE_ID} and {@value #SPAN_ID}, while each step
 * of it runs: a log line about a job leads to its trace. The ids are those Camel's tracer puts on the exchange
 * ({@code CAMEL_TRACE_ID}, {@code CAMEL_SPAN_ID}), else the W3C {@code traceparent} header it propagates; an exchange
 * with neither leaves the MDC as it is.
 */
final class JobLogContext implements InterceptStrategy {

    public static final String TRACE_ID = "traceId";
    public static final String SPAN_ID = "spanId";

    private static final String CAMEL_TRACE_ID = "CAMEL_TRACE_ID";
    private static final String CAMEL_SPAN_ID = "CAMEL_SPAN_ID";
    private static final String TRACEPARENT = "traceparent";

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
            Processor nextTarget) {
        return around(target);
    }

    /** The processor, run with the exchange's trace in the MDC. */
    static Processor around(Processor target) {
        return new DelegateAsyncProcessor(target) {
            @Override
            public void process(Exchange exchange) throws Exception {
                Map<String, String> before = enter(exchange);
                try {
                    processor.process(exchange);
                } finally {
                    leave(before);
                }
            }

            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                Map<String, String> before = enter(exchange);
                try {
                    return processor.process(exchange, callback);
                } finally {
                    leave(before);
                }
            }
        };
    }

    /** Puts the exchange's ids in the MDC; answers what it held before. */
    private static Map<String, String> enter(Exchange exchange) {
        Map<String, String> ids = ids(exchange);
        if (ids.isEmpty()) {
            return null;
        }
        Map<String, String> before = new HashMap<>();
        ids.forEach((key, id) -> {
            before.put(key, MDC.get(key));
            MDC.put(key, id);
        });
        return before;
    }

    private static void leave(Map<String, String> before) {
        if (before == null) {
            return;
        }
        before.forEach((key, previous) -> {
            if (previous == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, previous);
            }
        });
    }

    private static Map<String, String> ids(Exchange exchange) {
        String traceId = exchange.getIn().getHeader(CAMEL_TRACE_ID, String.class);
        String spanId = exchange.getIn().getHeader(CAMEL_SPAN_ID, String.class);
        if (traceId != null && spanId != null) {
            return Map.of(TRACE_ID, traceId, SPAN_ID, spanId);
        }
        // 00-<trace id>-<span id>-<flags>
        String parent = exchange.getIn().getHeader(TRACEPARENT, String.class);
        String[] parts = parent == null ? new String[0] : parent.split("-");
        return parts.length == 4 ? Map.of(TRACE_ID, parts[1], SPAN_ID, parts[2]) : Map.of();
    }
}
