package dev.nanobanana.camel.observe;

import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.runpod.Resolution;
import dev.nanobanana.camel.runpod.RunpodResult;

/**
 * The pipeline's meters, named {@code nanobanana_*}, in the context's Micrometer registry: jobs received, completed and
 * failed (by {@link FailureReason}), retries (by {@link RetryCause}), jobs in flight and waiting to be submitted, the
 * time from pick-up to a sink, RunPod's delay and execution times, image bytes written and the money RunPod charged, by
 * resolution. It also keeps the counts that the {@link ProgressLog} reports. One per context: {@link #of}.
 */
public final class JobMetrics {

    /** The name of the bean in the context's registry. */
    public static final String BEAN = "nanobananaJobMetrics";
    /** Where Camel's micrometer components look for the registry, and where we look first. */
    static final String CAMEL_METER_REGISTRY = "metricsRegistry";
    private static final String PICKED_UP = "NanoBananaPickedUpNanos";
    private static final String IMAGE_BYTES = "NanoBananaImageBytes";

    private final MeterRegistry registry;
    private final Counter received;
    private final Counter completed;
    private final Map<FailureReason, Counter> failed = new EnumMap<>(FailureReason.class);
    private final Map<RetryCause, Counter> retries = new EnumMap<>(RetryCause.class);
    /** Summed as decimals, as RunPod states prices: 0.0875 three times is 0.2625, not 0.26249999999999996. */
    private final Map<String, UsdSum> spent = new ConcurrentHashMap<>();
    private final Counter imageBytes;
    private final Timer completedIn;
    private final Timer failedIn;
    private final Timer runpodDelay;
    private final Timer runpodExecution;
    private final JobTally tally = new JobTally();
    private boolean watching;

    JobMetrics(MeterRegistry registry) {
        this.registry = registry;
        received = Counter.builder("nanobanana.jobs.received")
                .description("Jobs taken on: read from a job file, or resumed from the job ledger")
                .register(registry);
        completed = Counter.builder("nanobanana.jobs.completed")
                .description("Jobs whose image and record reached the completed sink")
                .register(registry);
        for (FailureReason reason : FailureReason.values()) {
            failed.put(reason, Counter.builder("nanobanana.jobs.failed")
                    .description("Jobs whose error record went to the failed sink, by reason")
                    .tag("reason", reason.tag())
                    .register(registry));
        }
        for (RetryCause cause : RetryCause.values()) {
            retries.put(cause, Counter.builder("nanobanana.retries")
                    .description("Steps of jobs tried again, by what failed")
                    .tag("cause", cause.tag())
                    .register(registry));
        }
        Resolution.WIRE_NAMES.forEach(this::spentCounter);
        imageBytes = Counter.builder("nanobanana.images.written.bytes")
                .description("Bytes of images written to completed sinks")
                .register(registry);
        completedIn = jobDuration("completed");
        failedIn = jobDuration("failed");
        runpodDelay = Timer.builder("nanobanana.runpod.delay")
                .description("RunPod's delayTime: how long a job waited in RunPod's queue")
                .register(registry);
        runpodExecution = Timer.builder("nanobanana.runpod.execution")
                .description("RunPod's executionTime: how long RunPod worked on a job")
                .register(registry);
    }

    /**
     * The context's metrics, made the first time they are asked for: on the Micrometer registry bound in the context
     * (as {@code metricsRegistry}, or the only one there is), else on a registry of their own, which only the
     * progress line reads.
     */
    public static synchronized JobMetrics of(CamelContext context) {
        JobMetrics metrics = context.getRegistry().lookupByNameAndType(BEAN, JobMetrics.class);
        if (metrics == null) {
            metrics = new JobMetrics(meterRegistry(context));
            context.getRegistry().bind(BEAN, metrics);
        }
        return metrics;
    }

    private static MeterRegistry meterRegistry(CamelContext context) {
        MeterRegistry named = context.getRegistry().lookupByNameAndType(CAMEL_METER_REGISTRY, MeterRegistry.class);
        if (named != null) {
            return named;
        }
        Set<MeterRegistry> found = context.getRegistry().findByType(MeterRegistry.class);
        return found.size() == 1 ? found.iterator().next() : new SimpleMeterRegistry();
    }

    /**
     * Adds gauges of the jobs in flight, waiting to be submitted (for a slot or for the budget), and the limit on jobs
     * in flight.
     */
    public synchronized JobMetrics watch(JobQueue queue) {
        if (!watching) {
            watching = true;
            tally.watch(queue);
            Gauge.builder("nanobanana.jobs.in.flight", tally, t -> t.counts().inFlight())
                    .description("Jobs between submission and a kept image")
                    .register(registry);
            Gauge.builder("nanobanana.jobs.waiting", tally, t -> t.counts().waiting())
                    .description("Jobs waiting to be submitted: for a slot, or for the budget "
                                 + "(nanobanana_budget_waiting_jobs of them)")
                    .register(registry);
            Gauge.builder("nanobanana.jobs.in.flight.limit", () -> queue.limit().getAsInt())
                    .description("The limit on jobs in flight: nanobanana.concurrency, lower for a while after HTTP 429")
                    .register(registry);
        }
        return this;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Adds a gauge of another part of the pipeline, such as the budget left, beside these meters: {@code name} as
     * Micrometer writes it ({@code nanobanana.budget.remaining.usd} is scraped as
     * {@code nanobanana_budget_remaining_usd}).
     */
    public void gauge(String name, String description, Supplier<Number> value) {
        if (!name.startsWith("nanobanana.")) {
            throw new IllegalArgumentException("a pipeline metric's name starts with nanobanana., not " + name);
        }
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** A job enters the pipeline: counted, timed from now, and counted as ended whichever way its exchange ends. */
    public void received(Exchange exchange) {
        received.increment();
        tally.started();
        exchange.setProperty(PICKED_UP, System.nanoTime());
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                tally.ended();
            }
        });
    }

    /** The job's image and record are in the completed sink. */
    public void completed(Exchange exchange, JobState state) {
        completed.increment();
        BigDecimal cost = paid(state);
        tally.completed(cost);
        timeSincePickUp(exchange, completedIn);
        runpodTimes(state.result());
    }

    /** The job's error record is in the failed sink. */
    public void failed(Exchange exchange, JobState state, FailureReason reason) {
        failed.get(reason).increment();
        BigDecimal cost = BigDecimal.ZERO;
        // a paid image that is kept is delivered later, and counted then; one that could not be downloaded is lost
        if (state != null && state.result() != null && state.result().isCompleted() && !state.paidAndKept()) {
            cost = paid(state);
        }
        tally.failed(cost);
        timeSincePickUp(exchange, failedIn);
        if (state != null && !state.paidAndKept()) {
            runpodTimes(state.result());
        }
    }

    /** A step of a job failed and is tried again. */
    public void retried(RetryCause cause) {
        retries.get(cause).increment();
    }

    /** Notes the size of the image about to be written to the completed sink. */
    public static void imageToWrite(Exchange exchange, long bytes) {
        exchange.setProperty(IMAGE_BYTES, bytes);
    }

    /** The image noted by {@link #imageToWrite} is in the completed sink. */
    public void imageWritten(Exchange exchange) {
        Long bytes = exchange.removeProperty(IMAGE_BYTES) instanceof Long size ? size : null;
        if (bytes != null) {
            imageBytes.increment(bytes);
        }
    }

    /** The counts so far, for the progress line and the runtime's own summaries. */
    public JobTally.Counts counts() {
        return tally.counts();
    }

    private BigDecimal paid(JobState state) {
        RunpodResult result = state == null ? null : state.result();
        if (result == null || result.cost().isEmpty()) {
            return BigDecimal.ZERO;
        }
        BigDecimal cost = result.cost().get();
        String resolution = state.job() != null ? state.job().resolution() : null;
        spentCounter(resolution == null ? "unknown" : resolution).add(cost);
        return cost;
    }

    private UsdSum spentCounter(String resolution) {
        return spent.computeIfAbsent(resolution, r -> {
            UsdSum sum = new UsdSum();
            FunctionCounter.builder("nanobanana.spent.usd", sum, UsdSum::value)
                    .description("What RunPod charged for the images of jobs, in USD, by resolution")
                    .tag("resolution", r)
                    .register(registry);
            return sum;
        });
    }

    private Timer jobDuration(String outcome) {
        return Timer.builder("nanobanana.job.duration")
                .description("Time from a job's pick-up to its end in a sink")
                .tag("outcome", outcome)
                .register(registry);
    }

    private static final class UsdSum {

        private BigDecimal sum = BigDecimal.ZERO;

        synchronized void add(BigDecimal amount) {
            sum = sum.add(amount);
        }

        synchronized double value() {
            return sum.doubleValue();
        }
    }

    private static void timeSincePickUp(Exchange exchange, Timer timer) {
        Long since = exchange.getProperty(PICKED_UP, Long.class);
        if (since != null) {
            timer.record(System.nanoTime() - since, TimeUnit.NANOSECONDS);
        }
    }

    private void runpodTimes(RunpodResult result) {
        if (result == null || !result.isTerminal()) {
            return;
        }
        if (result.delayTime() != null) {
            runpodDelay.record(result.delayTime(), TimeUnit.MILLISECONDS);
        }
        if (result.executionTime() != null) {
            runpodExecution.record(result.executionTime(), TimeUnit.MILLISECONDS);
        }
    }
}
