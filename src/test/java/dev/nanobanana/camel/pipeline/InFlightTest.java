package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.camel.testing.PipelineTestSupport;

/**
 * nanobanana.concurrency is the number of jobs RunPod sees at once: never one more, and no thread for each. It runs
 * alone, after the other tests: all 400 submits must meet at the emulator within its 5 s, which they do not while
 * other test JVMs take the cores.
 */
@Tag("alone")
class InFlightTest extends PipelineTestSupport {

    static final int CONCURRENCY = 400;

    @Override
    public EmulatorSettings emulatorSettings() {
        // runsync answers when the job is done, as RunPod does within its 90 s window: no polling; 5 s is time
        // enough to submit 400 jobs on a busy machine, each admitted and recorded in the ledger first
        return super.emulatorSettings().withLatency(Duration.ofSeconds(5)).withRunsyncWait(Duration.ofSeconds(10))
                .withImageBytes(4096);
    }

    @Override
    public Properties settings() {
        Properties settings = super.settings();
        settings.setProperty("nanobanana.concurrency", Integer.toString(CONCURRENCY));
        return settings;
    }

    @Test
    void fourHundredJobsRunAtOnceEachSubmittedOnceOnFarFewerThreads() throws Exception {
        // threads left by the test classes before this one (servers, contexts) are not this batch's
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        AtomicReference<List<String>> peak = new AtomicReference<>(List.of());
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                List<String> ours = Thread.getAllStackTraces().keySet().stream()
                        .filter(thread -> !before.contains(thread)).map(Thread::getName)
                        .filter(name -> !name.startsWith("runpod-emulator")).toList();
                if (ours.size() > peak.get().size()) {
                    peak.set(ours);
                }
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
            // two rounds of 5 s at the emulator, and 400 jobs admitted, recorded and delivered: on a machine busy with
            // other tests that takes longer than the usual WAIT
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(inbox.resolve(".done/batch.yaml")));
        } finally {
            sampler.interrupt();
        }

        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(2 * CONCURRENCY);
        assertThat(emulator.maxConcurrentJobs()).isEqualTo(CONCURRENCY);
        // every thread started while the batch ran, but the emulator's: Camel's, the HTTP client's...
        assertThat(peak.get()).as("threads at the peak, by name: %s", peak.get().stream().collect(
                Collectors.groupingBy(name -> name.replaceAll("[0-9]+", "#"), TreeMap::new, Collectors.counting())))
                .hasSizeLessThan(40);
    }
}
