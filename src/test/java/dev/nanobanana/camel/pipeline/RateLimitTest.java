package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.nanobanana.emulator.Fault;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RecordedRequest;
import dev.nanobanana.camel.testing.PipelineTestSupport;
import dev.nanobanana.camel.testing.LogCapture;

/** The client slows down on its own: a request rate it never passes, and fewer jobs in flight while RunPod says 429. */
public class RateLimitTest extends PipelineTestSupport {

    @RegisterExtension
    final LogCapture logs = new LogCapture(Level.INFO);

    @Override
    public Properties settings() {
        Properties settings = super.settings();
        settings.setProperty("nanobanana.concurrency", "8");
        settings.setProperty("nanobanana.rate.max-requests", "5");
        settings.setProperty("nanobanana.rate.period", "1s");
        settings.setProperty("nanobanana.retry.max-attempts", "5");
        return settings;
    }

    public static String jobs(int count) {
        StringBuilder jobs = new StringBuilder("jobs:\n");
        for (int i = 1; i <= count; i++) {
            jobs.append("  - {prompt: job ").append(i).append(", images: [https://images.test/a.png]}\n");
        }
        return jobs.toString();
    }

    @Test
    void noMoreRequestsThanTheConfiguredRateInAnyPeriod() throws Exception {
        // the first request of a JVM is slow to leave (class loading, a new connection): warm up before measuring
        drop("first.json", PipelineTest.job(""));
        processed(".done", "first.json");
        Thread.sleep(1000);
        drop("batch.yaml", jobs(12));

        processed(".done", "batch.yaml");
        List<Instant> sent = emulator.requests(Operation.RUNSYNC).stream().skip(1).map(RecordedRequest::at).sorted()
                .toList();
        assertThat(sent).hasSize(12);
        for (int i = 5; i < sent.size(); i++) {
            // the 6th request leaves a period after the 1st, the 7th after the 2nd... (less what a new connection
            // may delay the earlier one on its way)
            assertThat(Duration.between(sent.get(i - 5), sent.get(i))).isGreaterThan(Duration.ofMillis(750));
        }
        for (int i = 10; i < sent.size(); i++) {
            assertThat(Duration.between(sent.get(i - 10), sent.get(i))).isGreaterThan(Duration.ofMillis(1750));
        }
    }

    @Test
    void aStormOf429ShrinksTheJobsInFlightThenTheyGrowBack() throws Exception {
        for (int i = 0; i < 8; i++) {
            emulator.inject(Operation.RUNSYNC, Fault.httpStatus(429));
        }
        JobSlots slots = context.getRegistry().lookupByNameAndType("nanobananaJobSlots", JobSlots.class);
        drop("storm.yaml", jobs(8));

        await().atMost(WAIT).until(() -> slots.limit() < 8);
        assertThat(logs.lines(Level.WARN)).anyMatch(line -> line.contains(
                "RunPod is rate-limiting (HTTP 429): at most 6 jobs in flight for now (nanobanana.concurrency 8)"));
        processed(".done", "storm.yaml");
        drop("calm.yaml", jobs(30));
        processed(".done", "calm.yaml");
        assertThat(slots.limit()).isEqualTo(8);
        assertThat(logs.lines(Level.INFO)).anyMatch(line -> line.contains("back to 8 jobs in flight"));
    }
}
