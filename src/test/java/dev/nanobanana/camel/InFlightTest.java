package dev.nanobanana.camel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.nanobanana.camel.emulator.EmulatorSettings;
import dev.nanobanana.camel.emulator.Operation;

/** nanobanana.concurrency is the number of jobs RunPod sees at once: never one more, and no thread for each. */
class InFlightTest extends PipelineTestSupport {

    static final int CONCURRENCY = 400;

    @Override
    EmulatorSettings emulatorSettings() {
        // runsync answers when the job is done, as RunPod does within its 90 s window: no polling
        return super.emulatorSettings().withLatency(Duration.ofSeconds(2)).withRunsyncWait(Duration.ofSeconds(10))
                .withImageBytes(4096);
    }

    @Override
    Properties settings() {
        Properties settings = super.settings();
        settings.setProperty("nanobanana.concurrency", Integer.toString(CONCURRENCY));
        return settings;
    }

    @Test
    void fourHundredJobsRunAtOnceEachSubmittedOnceOnFarFewerThreads() throws Exception {
        AtomicInteger peakThreads = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long ours = Thread.getAllStackTraces().keySet().stream()
                        .filter(thread -> !thread.getName().startsWith("runpod-emulator")).count();
                peakThreads.accumulateAndGet((int) ours, Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        try {
            drop("batch.yaml", RateLimitTest.jobs(2 * CONCURRENCY));
            processed(".done", "batch.yaml");
        } finally {
            sampler.interrupt();
        }

        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(2 * CONCURRENCY);
        assertThat(emulator.maxConcurrentJobs()).isEqualTo(CONCURRENCY);
        // every thread of the test JVM but the emulator's: Camel's, the HTTP client's, JUnit's...
        assertThat(peakThreads.get()).isLessThan(100);
    }
}
