package dev.nanobanana.camel.pipeline;

import java.util.HashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanStorageManagerExchange;
import org.apache.camel.telemetry.Tracer;

/**
 * The ids of the span an exchange is in now: the step's own, that is, rather than the last one Camel's tracer started
 * (the headers it sets as each span starts stay when a span ends, so after a sink's span they would name the sink's
 * span for the rest of the step). Only loaded once Camel's tracer has put a span on an exchange.
 */
final class ActiveSpan {

    /** Where Camel's tracer keeps the exchange's spans, as a stack: {@link SpanStorageManagerExchange}. */
    static final String PROPERTY = "tracing.activeSpan";

    private static final SpanStorageManagerExchange SPANS = new SpanStorageManagerExchange();

    private ActiveSpan() {
    }

    /** The trace and span id of the exchange's innermost open span, by Camel's header names; empty when none. */
    static Map<String, String> ids(Exchange exchange) {
        Tracer tracer = exchange.getContext().hasService(Tracer.class);
        Span span = tracer == null || tracer.getSpanLifecycleManager() == null ? null : SPANS.peek(exchange);
        Map<String, String> ids = new HashMap<>();
        if (span != null) {
            tracer.getSpanLifecycleManager().inject(span, ids::put, true);
        }
        return ids;
    }
}
