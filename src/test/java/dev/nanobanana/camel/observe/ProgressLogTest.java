package dev.nanobanana.camel.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.nanobanana.camel.testing.LogCapture;

/** The progress line: said while jobs are pending, never while idle, never when turned off. */
class ProgressLogTest {

    final CamelContext context = new DefaultCamelContext();
    final JobMetrics metrics = new JobMetrics(new SimpleMeterRegistry());
    final LogCapture log = LogCapture.of(ProgressLog.class.getName(), "INFO");

    @AfterEach
    void stop() {
        log.close();
        context.stop();
    }

    @Test
    void idleSaysNothingAndPendingJobsAreCountedWithNoTimeLeftBeforeOneEnds() {
        ProgressLog progress = new ProgressLog(metrics, Duration.ofHours(1), context);
        progress.start();
        progress.tick();
        assertThat(log.lines()).isEmpty();

        metrics.received(new DefaultExchange(context));
        metrics.received(new DefaultExchange(context));
        progress.tick();

        assertThat(log.lines()).singleElement().asString().endsWith("Progress: 0 done, 0 failed, 0 in flight, "
                + "0 waiting, 2 to go; 0.00 USD spent; time left not known yet (no job has ended)");
        progress.stop();
    }

    @Test
    void anIntervalOfZeroSaysNothingWhileJobsArePending() {
        context.start();
        ProgressLog progress = new ProgressLog(metrics, Duration.ZERO, context);
        progress.start();
        metrics.received(new DefaultExchange(context));

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> log.lines().isEmpty());
        progress.stop();
    }

    @Test
    void pricesKeepEveryDigitAndAtLeastCents() {
        assertThat(ProgressLog.usd(new BigDecimal("0.2625"))).isEqualTo("0.2625");
        assertThat(ProgressLog.usd(new BigDecimal("10.5"))).isEqualTo("10.50");
        assertThat(ProgressLog.usd(BigDecimal.ZERO)).isEqualTo("0.00");
    }
}
