package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RunpodEmulator;
import dev.nanobanana.camel.job.JobFileFailedException;

/** The library in a plain CamelContext of someone else's application, not the standalone runtime. */
class EmbeddingTest {

    @TempDir
    Path work;
    RunpodEmulator emulator;
    CamelContext context;
    ProducerTemplate template;

    Set<Thread> threadsBefore;

    @BeforeEach
    void startApplication() throws Exception {
        threadsBefore = Thread.getAllStackTraces().keySet();
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofMillis(50)));
        context = new DefaultCamelContext();
        Properties properties = new Properties();
        properties.setProperty("nanobanana.endpoint-url", emulator.endpointUrl());
        properties.setProperty("nanobanana.api-key", emulator.apiKey());
        properties.setProperty("nanobanana.completed-dir", work.resolve("completed").toString());
        properties.setProperty("nanobanana.failed-dir", work.resolve("failed").toString());
        properties.setProperty("nanobanana.spool-dir", work.resolve("spool").toString());
        properties.setProperty("nanobanana.ledger.url", "jdbc:h2:file:" + work.resolve("state/ledger"));
        context.getPropertiesComponent().setInitialProperties(properties);
        context.addRoutes(new NanoBananaErrorHandling());
        context.addRoutes(new NanoBananaRoutes());
        context.start();
        template = context.createProducerTemplate();
    }

    @AfterEach
    void stopApplication() {
        context.stop();
        emulator.close();
    }

    @Test
    void jobSentAsAMapEndsInTheCompletedSink() throws Exception {
        template.sendBody(NanoBananaRoutes.JOB, Map.of(
                "id", "embedded",
                "prompt", "Make the sneaker yellow",
                "images", List.of("https://images.test/shoe.png"),
                "resolution", "2k"));

        assertThat(ImageIO.read(work.resolve("completed/embedded.png").toFile()).getWidth()).isEqualTo(2048);
        JsonNode record = new ObjectMapper().readTree(work.resolve("completed/embedded.json").toFile());
        assertThat(record.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(record.has("sourceFile")).isFalse();
    }

    @Test
    void stoppingTheApplicationLeavesNoThreadOfTheLibraryBehind() throws Exception {
        template.sendBody(NanoBananaRoutes.JOB, Map.of("id", "cup", "prompt", "p",
                "images", List.of("https://images.test/cup.png")));
        assertThat(work.resolve("completed/cup.png")).exists();
        assertThat(libraryThreads()).isNotEmpty();

        context.stop();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(libraryThreads()).isEmpty());
    }

    /** The threads named after the library that this test's application started and that still run. */
    List<String> libraryThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !threadsBefore.contains(thread) && thread.isAlive())
                .map(Thread::getName)
                .filter(name -> name.contains("nanobanana"))
                .toList();
    }

    @Test
    void jobWithoutAnIdGetsAGeneratedOne() throws Exception {
        Exchange done = template.send(NanoBananaRoutes.JOB, exchange -> exchange.getIn()
                .setBody("{\"prompt\": \"p\", \"images\": [\"https://images.test/a.png\"]}"));

        String id = JobExchange.jobId(done);
        assertThat(id).matches("job-\\d{8}-\\d{6}-[0-9a-f]{5}");
        assertThat(work.resolve("completed/" + id + ".png")).exists();
    }

    @Test
    void invalidJobIsRecordedAndTheCallerCarriesOn() throws Exception {
        template.sendBody(NanoBananaRoutes.JOB, Map.of("id", "bad", "prompt", "p"));

        JsonNode record = new ObjectMapper().readTree(work.resolve("failed/bad.error.json").toFile());
        assertThat(record.get("reason").asText()).contains("images is missing");
        // the readiness check's GET /health aside
        assertThat(emulator.requests()).filteredOn(request -> request.operation() != Operation.HEALTH).isEmpty();
    }

    @Test
    void jobFileWithAFailedJobFailsTheCallersExchange() {
        assertThatThrownBy(() -> template.sendBodyAndHeader(NanoBananaRoutes.JOB_FILE,
                "[{\"prompt\": \"p\", \"images\": [\"https://images.test/a.png\"]}, {\"prompt\": \"p\"}]",
                Exchange.FILE_NAME, "pair.json"))
                .isInstanceOf(CamelExecutionException.class)
                .cause().isInstanceOf(JobFileFailedException.class)
                .hasMessage("1 of 2 jobs in pair.json did not complete: pair-2 (see pair-2.error.json)");
        assertThat(work.resolve("completed/pair.png")).exists();
    }
}
