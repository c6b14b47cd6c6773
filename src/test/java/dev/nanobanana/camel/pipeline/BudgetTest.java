package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RecordedRequest;
import dev.nanobanana.camel.ledger.TestPostgres;
import dev.nanobanana.camel.observe.JobMetrics;
import dev.nanobanana.camel.testing.PipelineTestSupport;
import dev.nanobanana.camel.testing.LogCapture;

/**
 * A budget cap is never passed: the job that would pass it is not sent, waits with its file in the inbox, and runs,
 * paid once, when the runtime starts again with a higher cap.
 */
class BudgetTest extends PipelineTestSupport {

    @RegisterExtension
    final LogCapture logs = new LogCapture(Level.INFO);

    @Override
    public Properties settings() {
        Properties p = super.settings();
        p.setProperty("nanobanana.budget.max-usd", "0.30");
        p.setProperty("nanobanana.progress.interval", "200ms");
        return p;
    }

    @Test
    void aCapOf30CentsRunsThreeJobsOf1kAndTheFourthWaitsUnsentWithItsFileInTheInbox() throws Exception {
        drop("batch.yaml", batch("1k", "1k", "1k", "1k"));

        await().atMost(WAIT).until(() -> budget(context).waitingJobs() == 1 && delivered().size() == 3);
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(3);
        assertThat(budget(context).reached()).isTrue();
        assertThat(budget(context).periodSpend().spentUsd()).isEqualByComparingTo("0.2625");
        assertThat(inbox.resolve("batch.yaml")).exists();
        assertThat(logs.lines(Level.WARN)).filteredOn(line -> line.contains("Budget reached")).singleElement()
                .asString().contains("count 0.2625 USD").contains("would pass 0.30 USD per UTC day")
                .contains("nanobanana.budget.max-usd");
    }

    @Test
    void aJobHeldByTheBudgetIsCountedAsWaitingForItNotInFlight() throws Exception {
        drop("batch.yaml", batch("1k", "1k", "1k", "1k"));
        await().atMost(WAIT).until(() -> budget(context).waitingJobs() == 1 && delivered().size() == 3);

        MeterRegistry meters = JobMetrics.of(context).registry();
        assertThat(meters.get("nanobanana.jobs.in.flight").gauge().value()).as("nothing is at RunPod").isZero();
        assertThat(meters.get("nanobanana.jobs.waiting").gauge().value()).isEqualTo(1.0);
        assertThat(meters.get("nanobanana.budget.waiting.jobs").gauge().value()).isEqualTo(1.0);
        await().atMost(WAIT).untilAsserted(() -> assertThat(logs.lines(Level.INFO)).anySatisfy(line -> assertThat(line)
                .contains("Progress: ").contains(" 0 in flight, 1 waiting (1 for the budget cap), 1 to go; ")
                .endsWith("; time left not known while the budget holds jobs back")));
    }

    @Test
    void jobsThatWaitedRunOnceEachWhenTheRuntimeStartsAgainWithAHigherCap() throws Exception {
        drop("batch.yaml", batch("1k", "1k", "1k", "1k", "1k"));
        await().atMost(WAIT).until(() -> budget(context).waitingJobs() == 2 && delivered().size() == 3);

        context.stop();
        assertThat(inbox.resolve("batch.yaml")).as("left for the next start").exists();
        assertThat(inbox.resolve(".done/batch.yaml")).doesNotExist();
        assertThat(inbox.resolve(".failed/batch.yaml")).doesNotExist();
        startInstance(withCap("0.50"));

        awaitTheFileLeftForTheNextStart(".done", "batch.yaml");
        assertThat(delivered()).hasSize(5);
        assertThat(prompts()).as("each job paid once").containsExactlyInAnyOrder("job 1", "job 2", "job 3", "job 4",
                "job 5");
        assertThat(failed).as("no error record").satisfiesAnyOf(folder -> assertThat(folder).doesNotExist(),
                folder -> assertThat(folder).isEmptyDirectory());
    }

    @Test
    void withMixedResolutionsTheCapStopsExactlyBeforeTheJobThatWouldPassIt() throws Exception {
        context.stop();
        // 0.175 + 0.13 + 0.0875 = 0.3925: any three of them fit under 0.40, all four (0.48) do not
        CamelContext instance = startInstance(withCap("0.40"));
        drop("batch.yaml", batch("4k", "2k", "1k", "1k"));

        await().atMost(WAIT).until(() -> budget(instance).waitingJobs() == 1 && delivered().size() == 3);
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(3);
        assertThat(budget(instance).periodSpend().countedUsd()).isLessThanOrEqualTo(new java.math.BigDecimal("0.40"));

        instance.stop();
        startInstance(withCap("0.48"));

        awaitTheFileLeftForTheNextStart(".done", "batch.yaml");
        assertThat(prompts()).containsExactlyInAnyOrder("job 1", "job 2", "job 3", "job 4");
    }

    @Test
    void fiftyJobsInFlightAtOnceUnderACapOfTenJobsSubmitExactlyTen() throws Exception {
        context.stop();
        Properties settings = withCap("0.875");
        settings.setProperty("nanobanana.concurrency", "50");
        CamelContext instance = startInstance(settings);
        String[] resolutions = Stream.generate(() -> "1k").limit(60).toArray(String[]::new);
        drop("batch.yaml", batch(resolutions));

        await().atMost(WAIT).until(() -> budget(instance).waitingJobs() == 50 && delivered().size() == 10);
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(10);
        assertThat(budget(instance).periodSpend().countedUsd()).isEqualByComparingTo("0.875");
    }

    @Test
    void twoInstancesOnOnePostgresqlLedgerNeverPassTheCapTogether() throws Exception {
        context.stop();
        try (TestPostgres postgres = TestPostgres.start()) {
            String ledger = postgres.newDatabase();
            List<CamelContext> both = new ArrayList<>();
            for (String name : List.of("a", "b")) {
                Properties settings = withCap("0.875");
                settings.setProperty("nanobanana.ledger.url", ledger);
                settings.setProperty("nanobanana.ledger.user", TestPostgres.USER);
                settings.setProperty("nanobanana.instance-id", "instance-" + name);
                settings.setProperty("nanobanana.inbox", Files.createDirectories(work.resolve("inbox-" + name))
                        .toString());
                settings.setProperty("nanobanana.concurrency", "20");
                both.add(startInstance(settings));
            }
            String[] resolutions = Stream.generate(() -> "1k").limit(15).toArray(String[]::new);
            Files.writeString(work.resolve("inbox-a/batch.yaml"), batchOf("a-job", resolutions));
            Files.writeString(work.resolve("inbox-b/batch.yaml"), batchOf("b-job", resolutions));

            await().atMost(WAIT).until(() -> budget(both.get(0)).waitingJobs() + budget(both.get(1)).waitingJobs() == 20
                                             && delivered().size() == 10);
            assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(10);
            assertThat(budget(both.get(0)).periodSpend().countedUsd()).isEqualByComparingTo("0.875");
            both.forEach(CamelContext::stop);
        }
    }

    // --- helpers

    /** A job file with one 1-image job per resolution, prompted "job 1", "job 2"... */
    static String batch(String... resolutions) {
        return batchOf("job", resolutions);
    }

    /** A job file with one 1-image job per resolution, with ids {@code <prefix>-1}, {@code <prefix>-2}... */
    static String batchOf(String prefix, String... resolutions) {
        StringBuilder yaml = new StringBuilder("jobs:\n");
        for (int i = 0; i < resolutions.length; i++) {
            yaml.append("  - {id: ").append(prefix).append("-").append(i + 1).append(", prompt: job ").append(i + 1)
                    .append(", resolution: ").append(resolutions[i])
                    .append(", images: [https://images.test/a.png]}\n");
        }
        return yaml.toString();
    }

    Properties withCap(String maxUsd) {
        Properties settings = settings();
        settings.setProperty("nanobanana.budget.max-usd", maxUsd);
        return settings;
    }

    /**
     * A file the stopped runtime left in the inbox is taken again once its claim in the ledger's database is 30 s old
     * (nanobanana-files' maximum age), as after any restart.
     */
    void awaitTheFileLeftForTheNextStart(String folder, String name) {
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(inbox.resolve(folder).resolve(name)));
    }

    static BudgetGate budget(CamelContext context) {
        return PipelineBeans.in(context).budget();
    }

    /** The images in the completed sink. */
    List<Path> delivered() throws IOException {
        if (!Files.isDirectory(completed)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(completed)) {
            return files.filter(file -> file.toString().endsWith(".png")).toList();
        }
    }

    /** The prompt of every job submitted to the emulator, once per submit. */
    List<String> prompts() throws IOException {
        List<String> prompts = new ArrayList<>();
        for (RecordedRequest request : emulator.requests(Operation.RUNSYNC)) {
            JsonNode body = JSON.readTree(request.body());
            prompts.add(body.at("/input/prompt").asText());
        }
        return prompts;
    }
}
