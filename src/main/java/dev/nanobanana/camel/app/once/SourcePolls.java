package dev.nanobanana.camel.app.once;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.Service;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.support.ScheduledBatchPollingConsumer;

import dev.nanobanana.camel.source.SourcePollStrategy;
import dev.nanobanana.camel.app.once.BatchSummary.SourceTrouble;

/**
 * The sources of a one-shot batch: every route whose consumer polls for batches of files (a folder, SFTP, S3). Each
 * poll is watched through the consumer's poll strategy, which this wraps. A source is drained once its latest poll
 * took no job file that was there when the batch started, or failed; then {@link #close()} stops intake: no source
 * polls again (a poll under way ends as usual), so that a steady stream of new files cannot keep the batch open.
 */
final class SourcePolls extends LifecycleStrategySupport {

    private static final String S3_LAST_MODIFIED = "CamelAwsS3LastModified";
    /** SFTP and some stores give times in whole seconds. */
    private static final long TIME_GRAIN_MILLIS = 999;

    private final long startedMillis;
    private final Map<String, Source> sources = new ConcurrentHashMap<>();
    private boolean closed;

    SourcePolls(Instant started) {
        this.startedMillis = started.toEpochMilli();
    }

    @Override
    public void onServiceAdd(CamelContext context, Service service, Route route) {
        if (service instanceof ScheduledBatchPollingConsumer consumer && route != null) {
            Source source = new Source(consumer.getPollStrategy());
            sources.put(route.getId(), source);
            consumer.setPollStrategy(source);
        }
    }

    /** For the route every job file goes through: counts each file taken against the source that took it. */
    RoutePolicy intake() {
        return new RoutePolicySupport() {
            @Override
            public void onExchangeBegin(Route route, Exchange file) {
                Source source = file.getFromRouteId() == null ? null : sources.get(file.getFromRouteId());
                if (source != null && wasThereAtStart(file)) {
                    source.tookFileOfTheBatch();
                }
            }
        };
    }

    /** Whether every source has had a poll that took none of the batch's files, or failed. */
    synchronized boolean drained() {
        return sources.values().stream().allMatch(Source::drained);
    }

    /** No source polls again; one polling now finishes its poll. */
    synchronized void close() {
        closed = true;
    }

    /** Whether a source is in the middle of a poll: the files it takes are not all handed over yet. */
    synchronized boolean polling() {
        return sources.values().stream().anyMatch(source -> source.polling);
    }

    synchronized List<String> places() {
        return sources.values().stream().map(source -> source.place).filter(place -> place != null).sorted().toList();
    }

    synchronized List<SourceTrouble> troubles() {
        List<SourceTrouble> troubles = new ArrayList<>();
        sources.values().stream().filter(source -> source.trouble != null)
                .forEach(source -> troubles.add(new SourceTrouble(source.place, source.trouble)));
        return troubles;
    }

    /**
     * Whether the file was in the source when the batch started (its last change is not later), so that it belongs to
     * the batch. A file without a time is taken to belong to it.
     */
    private boolean wasThereAtStart(Exchange file) {
        Long modified = file.getIn().getHeader(Exchange.FILE_LAST_MODIFIED, Long.class);
        if (modified == null) {
            Date s3 = file.getIn().getHeader(S3_LAST_MODIFIED, Date.class);
            modified = s3 == null ? null : s3.getTime();
        }
        return modified == null || modified <= startedMillis + TIME_GRAIN_MILLIS;
    }

    /** One source's polls, as its consumer's poll strategy: the strategy it had goes on doing its work. */
    private final class Source implements PollingConsumerPollStrategy {

        private final PollingConsumerPollStrategy strategy;
        private String place;
        private boolean polling;
        private long filesOfTheBatch;
        private long filesAtBegin;
        private boolean drained;
        private String trouble;

        Source(PollingConsumerPollStrategy strategy) {
            this.strategy = strategy;
        }

        @Override
        public boolean begin(Consumer consumer, Endpoint endpoint) {
            synchronized (SourcePolls.this) {
                if (closed) {
                    return false;
                }
                if (place == null) {
                    // one consumer's, worked out once: it is most of an empty poll's CPU
                    place = SourcePollStrategy.name(endpoint);
                }
                polling = true;
                filesAtBegin = filesOfTheBatch;
            }
            boolean begun = strategy.begin(consumer, endpoint);
            if (!begun) {
                String problem = strategy instanceof SourcePollStrategy sourceStrategy
                        ? sourceStrategy.problem(endpoint) : null;
                ended(false, problem != null ? problem : "its poll strategy did not let it be polled");
            }
            return begun;
        }

        @Override
        public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
            strategy.commit(consumer, endpoint, polledMessages);
            synchronized (SourcePolls.this) {
                ended(filesOfTheBatch > filesAtBegin, null);
            }
        }

        @Override
        public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause)
                throws Exception {
            boolean retry = strategy.rollback(consumer, endpoint, retryCounter, cause);
            synchronized (SourcePolls.this) {
                ended(filesOfTheBatch > filesAtBegin, SourcePollStrategy.describe(cause));
            }
            return retry;
        }

        void tookFileOfTheBatch() {
            synchronized (SourcePolls.this) {
                filesOfTheBatch++;
            }
        }

        private void ended(boolean tookFiles, String failure) {
            synchronized (SourcePolls.this) {
                polling = false;
                trouble = failure;
                // latched: a greedy consumer that keeps finding new files begins its next poll at once, so a look
                // between two polls would hardly ever see this source idle
                drained |= !tookFiles || failure != null;
            }
        }

        private boolean drained() {
            return drained;
        }
    }
}
