package dev.nanobanana.camel.app.once;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;

import dev.nanobanana.camel.pipeline.JobExchange;
import dev.nanobanana.camel.app.once.BatchProgress.Counts;
import dev.nanobanana.camel.app.once.BatchSummary.CompletedJob;
import dev.nanobanana.camel.app.once.BatchSummary.FailedJob;
import dev.nanobanana.camel.job.JobOutcome;
import dev.nanobanana.camel.pipeline.JobOutcomes;
import dev.nanobanana.camel.pipeline.NanoBananaRoutes;
import dev.nanobanana.camel.job.JobPhase;
import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.sink.SinkPlaces;

/**
 * The jobs of one {@code --once} batch as they start and end, with where each one's files went, for the job lines and
 * the summary. The runtime's own counts (progress line, metrics) are {@code observe/JobTally}'s; this one keeps its
 * own so that a job's line and its number are taken under one lock, in the order the jobs ended. It is a route
 * policy on the routes every job passes once (the job route for jobs read from files, the resume route for those the
 * ledger hands back). A job has ended when its exchange is done:
 * by then its image and record, or its error record, are in a sink.
 */
final class BatchJobs extends RoutePolicySupport {

    private final SinkPlaces places;
    private final BatchProgress progress;
    private final Instant started;
    private final Clock clock;
    private final List<CompletedJob> completed = new ArrayList<>();
    private final List<FailedJob> failed = new ArrayList<>();
    /** Jobs the ledger handed back (a run killed before) that this batch finished, by source and id. */
    private final Set<String> resumed = new HashSet<>();
    /** Jobs whose file this batch found delivered already, by source and id. */
    private final Map<String, CompletedJob> foundDelivered = new HashMap<>();
    private int known;

    BatchJobs(SinkPlaces places, BatchProgress progress, Instant started, Clock clock) {
        this.places = places;
        this.progress = progress;
        this.started = started;
        this.clock = clock;
    }

    @Override
    public synchronized void onExchangeBegin(Route route, Exchange exchange) {
        known++;
        progress.started(counts());
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        if (exchange.getProperty(JobExchange.OUTCOME) == null && exchange.getException() == null) {
            // the runtime stopped before the job was submitted or finished: it stays unfinished, and resumes at the
            // next start
            return;
        }
        JobOutcome outcome = JobOutcomes.outcomeOf(exchange);
        String source = JobExchange.route(exchange).source();
        String key = source + "/" + outcome.jobId();
        if (outcome.completed()) {
            CompletedJob job = completedJob(exchange, outcome, source);
            // shown under the lock that counted it: two jobs ending at once would otherwise race from their count
            // to the display, and [2/6] could print before [1/6]
            synchronized (this) {
                // a job this batch resumed and delivered, and its file read again: the same job, counted once
                if (job.deliveredAlready()) {
                    if (resumed.contains(key)) {
                        known--;
                        return;
                    }
                    foundDelivered.put(key, job);
                } else if (NanoBananaRoutes.RESUME_ROUTE.equals(route.getRouteId())) {
                    resumed.add(key);
                    CompletedJob file = foundDelivered.remove(key);
                    if (file != null && completed.remove(file)) {
                        known--;
                    }
                }
                completed.add(job);
                progress.completed(job, counts());
            }
        } else {
            String sink = JobExchange.route(exchange).failedSink();
            FailedJob job = new FailedJob(outcome.jobId(), source, outcome.detail(),
                    outcome.recordFile() == null ? null : places.file(sink, outcome.recordFile()), places.of(sink));
            synchronized (this) {
                failed.add(job);
                progress.failed(job, counts());
            }
        }
    }

    synchronized Counts counts() {
        return new Counts(known, completed.size(), failed.size(), Duration.between(started, clock.instant()));
    }

    synchronized List<CompletedJob> completed() {
        return List.copyOf(completed);
    }

    synchronized List<FailedJob> failed() {
        return List.copyOf(failed);
    }

    /** Jobs that began and have not ended. */
    synchronized int unfinished() {
        return known - completed.size() - failed.size();
    }

    private CompletedJob completedJob(Exchange exchange, JobOutcome outcome, String source) {
        JobState state = JobExchange.state(exchange);
        // the ledger knew the job as delivered (an earlier run, another instance): nothing was sent this time
        boolean deliveredAlready = state == null || state.phase() != JobPhase.DELIVERED;
        RunpodResult result = state == null ? null : state.result();
        BigDecimal cost = deliveredAlready || result == null ? null : result.cost().orElse(null);
        String sink = JobExchange.route(exchange).completedSink();
        return new CompletedJob(outcome.jobId(), source, places.file(sink, outcome.detail()), places.of(sink), cost,
                deliveredAlready);
    }
}
