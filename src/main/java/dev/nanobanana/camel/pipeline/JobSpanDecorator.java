package dev.nanobanana.camel.pipeline;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.decorators.DirectSpanDecorator;

import dev.nanobanana.camel.job.JobPhase;
import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.settings.KnownSecrets;
import dev.nanobanana.camel.settings.PublicText;

/**
 * How Camel's tracer ({@code camel-telemetry}, found through {@code META-INF/services}) names and describes the spans
 * of a job's steps: each step's route by what it does ({@code submit}, {@code poll}, {@code download}...) with the
 * job's id, source, RunPod job id, resolution, attempts and cost as attributes. Any other {@code direct:} endpoint is
 * traced as Camel traces it.
 *
 * <p>An error's message goes into the span as the job's error record words it for the status page: secrets masked,
 * no URL's query (a presigned URL's signature), no data: URI's bytes.
 */
public class JobSpanDecorator extends DirectSpanDecorator {

    public static final String JOB_ID = "dev.nanobanana.job.id";
    /** The route that took the job: the inbox, S3, SFTP, or {@code direct} for one sent by an application. */
    public static final String SOURCE = "dev.nanobanana.job.source";
    public static final String RUNPOD_JOB_ID = "dev.nanobanana.runpod.job_id";
    public static final String RESOLUTION = "dev.nanobanana.job.resolution";
    /** On a step's span, which attempt at the step it is; on the job's, the most attempts any of its steps took. */
    public static final String ATTEMPTS = "dev.nanobanana.job.attempts";
    public static final String COST_USD = "dev.nanobanana.job.cost_usd";
    public static final String POLLS = "dev.nanobanana.job.polls";
    public static final String PHASE = "dev.nanobanana.job.phase";

    /** The span of each of a job's steps, by the endpoint of the step's route. */
    private static final Map<String, String> STEPS = Map.ofEntries(
            Map.entry(NanoBananaRoutes.JOB, "job"),
            Map.entry(NanoBananaRoutes.ADMIT, "admit"),
            Map.entry(NanoBananaRoutes.RUN, "run"),
            Map.entry(NanoBananaRoutes.SUBMIT, "submit"),
            Map.entry(NanoBananaRoutes.FINISH, "finish"),
            Map.entry(NanoBananaRoutes.POLL, "poll"),
            Map.entry(NanoBananaRoutes.CANCEL, "cancel"),
            Map.entry(NanoBananaRoutes.KEEP, "download"),
            Map.entry(NanoBananaRoutes.DELIVER, "deliver"),
            Map.entry(NanoBananaRoutes.FAILED_SINK, "deliver error record"),
            Map.entry(NanoBananaRoutes.RESUME, "resume"),
            Map.entry(NanoBananaRoutes.JOB_FILE, "job file"));

    /** The exchange property that holds the span of the job itself, the first of its spans. */
    private static final String JOB_SPAN = "NanoBananaJobSpan";
    /** The exchange property that counts the most attempts any of the job's steps took. */
    private static final String MOST_ATTEMPTS = "NanoBananaMostAttempts";

    @Override
    public String getOperationName(Exchange exchange, Endpoint endpoint) {
        String step = STEPS.get(stepOf(endpoint));
        return step != null ? step : super.getOperationName(exchange, endpoint);
    }

    @Override
    public void beforeTracingEvent(Span span, Exchange exchange, Endpoint endpoint) {
        super.beforeTracingEvent(span, exchange, endpoint);
        String uri = stepOf(endpoint);
        if (!STEPS.containsKey(uri)) {
            return;
        }
        if ((NanoBananaRoutes.JOB.equals(uri) || NanoBananaRoutes.RESUME.equals(uri))
            && exchange.getProperty(JOB_SPAN) == null) {
            exchange.setProperty(JOB_SPAN, span);
        } else {
            // the first attempt at the step, or the one Camel's error handler is making again
            int attempt = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class) + 1;
            span.setTag(ATTEMPTS, String.valueOf(attempt));
            if (attempt > exchange.getProperty(MOST_ATTEMPTS, 1, Integer.class)) {
                exchange.setProperty(MOST_ATTEMPTS, attempt);
            }
        }
        describe(span, exchange);
    }

    @Override
    public void afterTracingEvent(Span span, Exchange exchange) {
        JobState state = JobExchange.state(exchange);
        if (state == null) {
            // not a job's span (a job file's, or another direct: endpoint's): as Camel traces it
            super.afterTracingEvent(span, exchange);
            return;
        }
        describe(span, exchange);
        boolean jobSpan = exchange.getProperty(JOB_SPAN) == span;
        if (jobSpan) {
            span.setTag(ATTEMPTS, String.valueOf(exchange.getProperty(MOST_ATTEMPTS, 1, Integer.class)));
            if (state.result() != null) {
                state.result().cost().ifPresent(cost -> span.setTag(COST_USD, cost.toPlainString()));
            }
        }
        // a job that failed has its failure handled (it went to the failed sink), so the exchange itself is not failed
        Throwable failure = exchange.isFailed() || jobSpan && state.phase() == JobPhase.FAILED
                ? JobExchange.failure(exchange) : null;
        if (exchange.isFailed() || failure != null) {
            span.setError(true);
        }
        if (failure != null) {
            span.log(Map.of("event", "error", "error.kind", failure.getClass().getName(),
                    "message", String.valueOf(new PublicText(KnownSecrets.in(exchange.getContext()))
                            .brief(failure.getMessage()))));
        }
    }

    /** The endpoint as the routes name it ({@code direct:nanobanana-submit}); Camel's own form has {@code //}. */
    private static String stepOf(Endpoint endpoint) {
        return "direct:" + stripSchemeAndOptions(endpoint);
    }

    /** What is known of the job so far. */
    private static void describe(Span span, Exchange exchange) {
        JobState state = JobExchange.state(exchange);
        if (state == null) {
            return;
        }
        span.setTag(JOB_ID, state.jobId());
        span.setTag(PHASE, state.phase().name());
        if (state.route() != null && state.route().source() != null) {
            span.setTag(SOURCE, state.route().source());
        }
        if (state.job() != null && state.job().resolution() != null) {
            span.setTag(RESOLUTION, state.job().resolution());
        }
        RunpodResult result = state.result();
        if (result != null && result.id() != null) {
            span.setTag(RUNPOD_JOB_ID, result.id());
        }
        if (state.progress().polls() > 0) {
            span.setTag(POLLS, String.valueOf(state.progress().polls()));
        }
    }
}
