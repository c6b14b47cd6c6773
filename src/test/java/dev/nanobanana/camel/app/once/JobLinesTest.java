package dev.nanobanana.camel.app.once;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.nanobanana.camel.pipeline.JobExchange;
import dev.nanobanana.camel.app.once.BatchSummary.CompletedJob;
import dev.nanobanana.camel.app.once.BatchSummary.FailedJob;
import dev.nanobanana.camel.job.JobOutcome;
import dev.nanobanana.camel.sink.SinkPlaces;

/** The lines {@code --once} prints as jobs end, as a cron job's log shows them. */
class JobLinesTest {

    final CamelContext context = new DefaultCamelContext();
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void twoJobsEndingAtOnceArePrintedInTheOrderOfTheirNumbers() throws Exception {
        SlowOverTheFirstLine display = new SlowOverTheFirstLine(
                new ProgressLines(new PrintStream(printed, true, StandardCharsets.UTF_8)));
        BatchJobs tally = new BatchJobs(new SinkPlaces(context), display, Instant.now(), Clock.systemUTC());
        tally.onExchangeBegin(null, null);
        tally.onExchangeBegin(null, null);

        Thread first = new Thread(() -> tally.onExchangeDone(null, failedJob("first")));
        first.start();
        assertThat(display.firstLineBegun.await(30, TimeUnit.SECONDS)).isTrue();
        // the second job ends while the first one's line is being written
        Thread second = new Thread(() -> tally.onExchangeDone(null, failedJob("second")));
        second.start();
        first.join(TimeUnit.SECONDS.toMillis(30));
        second.join(TimeUnit.SECONDS.toMillis(30));

        assertThat(printed.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "[1/2] first failed: RunPod reports the job FAILED: no",
                "[2/2] second failed: RunPod reports the job FAILED: no");
    }

    private Exchange failedJob(String id) {
        Exchange job = new DefaultExchange(context);
        job.setProperty(JobExchange.OUTCOME, JobOutcome.failed(id, "RunPod reports the job FAILED: no",
                id + ".error.json"));
        job.setProperty(JobExchange.FAILED_SINK, "file:out/failed");
        return job;
    }

    /**
     * A display (a slow pipe, a terminal) that takes its time over the first line: up to a second, or until another
     * line comes.
     */
    private static final class SlowOverTheFirstLine implements BatchProgress {

        final CountDownLatch firstLineBegun = new CountDownLatch(1);
        private final CountDownLatch anotherLineCame = new CountDownLatch(1);
        private final AtomicInteger lines = new AtomicInteger();
        private final BatchProgress display;

        SlowOverTheFirstLine(BatchProgress display) {
            this.display = display;
        }

        @Override
        public void started(Counts counts) {
            display.started(counts);
        }

        @Override
        public void completed(CompletedJob job, Counts counts) {
            takeYourTime();
            display.completed(job, counts);
        }

        @Override
        public void failed(FailedJob job, Counts counts) {
            takeYourTime();
            display.failed(job, counts);
        }

        @Override
        public void tick(Counts counts) {
            display.tick(counts);
        }

        @Override
        public void close() {
            display.close();
        }

        private void takeYourTime() {
            if (lines.incrementAndGet() > 1) {
                anotherLineCame.countDown();
                return;
            }
            firstLineBegun.countDown();
            try {
                anotherLineCame.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
