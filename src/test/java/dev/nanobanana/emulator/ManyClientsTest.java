package dev.nanobanana.emulator;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static dev.nanobanana.emulator.EmulatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/** A load test's many clients wait on the emulator's jobs, not on its threads. */
class ManyClientsTest {

    private static final Logger LOG = LoggerFactory.getLogger(ManyClientsTest.class);
    private static final int CLIENTS = 400;

    @Test
    void fourHundredWaitingRunsyncsAllCompleteWhileTheEmulatorRunsOnAFewThreads() throws Exception {
        try (RunpodEmulator emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofSeconds(1)));
             ThreadCount threads = new ThreadCount("runpod-emulator-")) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            long start = System.nanoTime();

            List<CompletableFuture<HttpResponse<String>>> answers = IntStream.range(0, CLIENTS)
                    .mapToObj(client -> http.sendAsync(runsync(emulator), HttpResponse.BodyHandlers.ofString()))
                    .toList();
            CompletableFuture.allOf(answers.toArray(CompletableFuture<?>[]::new)).get(60, TimeUnit.SECONDS);

            LOG.info("{} runsyncs of 1 s jobs answered in {} ms; at most {} jobs in flight at once, on at most {} emulator threads",
                    CLIENTS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), emulator.maxConcurrentJobs(),
                    threads.max());
            assertThat(answers).allSatisfy(answer -> {
                assertThat(answer.join().statusCode()).isEqualTo(200);
                assertThat(json(answer.join()).get("status").asText()).isEqualTo("COMPLETED");
            });
            assertThat(emulator.stats().jobsCompleted()).isEqualTo(CLIENTS);
            assertThat(threads.max()).isLessThan(50);
            // far more runsyncs waited at once than the emulator has threads
            assertThat(emulator.maxConcurrentJobs()).isGreaterThan(100);
        }
    }

    private static HttpRequest runsync(RunpodEmulator emulator) {
        return HttpRequest.newBuilder(URI.create(emulator.endpointUrl() + "/runsync"))
                .header("Authorization", "Bearer " + emulator.apiKey())
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(EmulatorClient.body(EmulatorClient.input(""))))
                .build();
    }

    /** Samples the JVM's threads whose name starts with a prefix, and keeps the most seen at once. */
    private static final class ThreadCount implements AutoCloseable {

        private final AtomicInteger max = new AtomicInteger();
        private final AtomicBoolean sampling = new AtomicBoolean(true);
        private final Thread sampler;

        ThreadCount(String prefix) {
            sampler = new Thread(() -> {
                while (sampling.get()) {
                    int now = (int) Thread.getAllStackTraces().keySet().stream()
                            .filter(thread -> thread.getName().startsWith(prefix)).count();
                    max.accumulateAndGet(now, Math::max);
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "thread-count");
            sampler.setDaemon(true);
            sampler.start();
        }

        int max() {
            return max.get();
        }

        @Override
        public void close() {
            sampling.set(false);
        }
    }
}
