package dev.nanobanana.camel.kamelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import dev.nanobanana.camel.pipeline.NanoBananaErrorHandling;
import dev.nanobanana.camel.pipeline.NanoBananaRoutes;
import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RunpodEmulator;
import dev.nanobanana.camel.testing.LogCapture;

/**
 * The kamelet {@code nano-banana-edit-action} used from a plain YAML route of someone else's application
 * ({@code kamelet/edit-images.camel.yaml}), in a plain CamelContext that has no pipeline of its own: the kamelet adds
 * it. Against the built-in emulator over loopback, with real folders and an H2 ledger.
 */
class EditActionKameletTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ROUTE = "direct:edit-images";
    static final String SHOE = "{\"id\": \"shoe\", \"prompt\": \"Make the sneaker yellow\", "
                               + "\"images\": [\"https://images.test/shoe.png\"]}";

    static final String API_KEY = "rpa_KAMELET5e1dSECRETKEY";

    @TempDir
    Path work;
    RunpodEmulator emulator;
    CamelContext context;
    ProducerTemplate template;
    Path edited;

    @BeforeEach
    void startEmulator() throws Exception {
        emulator = RunpodEmulator.start(EmulatorSettings.defaults()
                .withApiKey(API_KEY)
                .withLatency(Duration.ofMillis(50))
                .withRunsyncWait(Duration.ofMillis(400)));
        edited = work.resolve("edited");
    }

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
        emulator.close();
    }

    /** The application's properties: where the kamelet sends jobs, and the pipeline's own nanobanana.* settings. */
    Properties properties() {
        Properties p = new Properties();
        p.setProperty("runpod.endpoint-url", emulator.endpointUrl());
        p.setProperty("runpod.api-key", emulator.apiKey());
        p.setProperty("edited.dir", edited.toString());
        p.setProperty("nanobanana.completed-dir", work.resolve("completed").toString());
        p.setProperty("nanobanana.failed-dir", work.resolve("failed").toString());
        p.setProperty("nanobanana.spool-dir", work.resolve("spool").toString());
        p.setProperty("nanobanana.ledger.url", "jdbc:h2:file:" + work.resolve("state/ledger"));
        p.setProperty("nanobanana.retry.initial-delay", "100");
        p.setProperty("nanobanana.poll.initial-interval", "100");
        return p;
    }

    /** Starts an application whose routes are the YAML route file, as Camel Main or Camel JBang would load it. */
    void startApplication(Properties properties) throws Exception {
        startApplication(properties, false);
    }

    void startApplication(Properties properties, boolean tracing) throws Exception {
        context = new DefaultCamelContext();
        context.setTracing(tracing);
        context.getPropertiesComponent().setInitialProperties(properties);
        PluginHelper.getRoutesLoader(context).loadRoutes(
                ResourceHelper.resolveMandatoryResource(context, "classpath:kamelet/edit-images.camel.yaml"));
        context.start();
        template = context.createProducerTemplate();
    }

    @Test
    void jobSentToTheKameletAnswersItsRecordWithHeadersAndTheImageIsInTheSink() throws Exception {
        startApplication(properties());

        Exchange answer = template.request(ROUTE, exchange -> {
            exchange.getIn().setBody(SHOE);
            exchange.getIn().setHeader("orderId", "A-17");
        });

        assertThat(answer.getException()).isNull();
        JsonNode record = JSON.readTree(answer.getMessage().getBody(String.class));
        assertThat(record.get("jobId").asText()).isEqualTo("shoe");
        assertThat(record.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(record.get("costUsd").decimalValue()).isEqualByComparingTo("0.0875");
        assertThat(answer.getMessage().getHeaders()).contains(
                Map.entry("NanoBananaJobId", "shoe"),
                Map.entry("NanoBananaStatus", "COMPLETED"),
                Map.entry("NanoBananaImageFile", "shoe.png"),
                Map.entry("NanoBananaRecordFile", "shoe.json"),
                Map.entry("NanoBananaRunpodId", record.get("runpodId").asText()),
                Map.entry("Content-Type", "application/json"),
                Map.entry("orderId", "A-17"));
        assertThat(answer.getMessage().getHeader("NanoBananaCostUsd", BigDecimal.class)).isEqualByComparingTo("0.0875");
        assertThat(record.get("runpodId").asText()).startsWith("sync-");
        assertThat(ImageIO.read(edited.resolve("shoe.png").toFile()).getWidth()).isEqualTo(1024);
        assertThat(JSON.readTree(edited.resolve("shoe.json").toFile())).isEqualTo(record);
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void sameJobSentAgainIsAnsweredWithItsFirstResultAndNotPaidAgain() throws Exception {
        startApplication(properties());

        String first = template.requestBody(ROUTE, SHOE, String.class);
        Exchange again = template.request(ROUTE, exchange -> exchange.getIn().setBody(SHOE));

        assertThat(again.getException()).isNull();
        assertThat(again.getMessage().getHeader("NanoBananaStatus")).isEqualTo("COMPLETED");
        JsonNode answer = JSON.readTree(again.getMessage().getBody(String.class));
        assertThat(answer.get("runpodId")).isEqualTo(JSON.readTree(first).get("runpodId"));
        assertThat(answer.get("imageFile").asText()).isEqualTo("shoe.png");
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void jobWithoutAnIdIsNamedAfterTheFileItCameFrom() throws Exception {
        startApplication(properties());

        Exchange answer = template.request(ROUTE, exchange -> {
            exchange.getIn().setBody("prompt: Make the vase blue\nimages:\n  - https://images.test/vase.png\n");
            exchange.getIn().setHeader(Exchange.FILE_NAME, "vase.yaml");
        });

        assertThat(answer.getException()).isNull();
        assertThat(answer.getMessage().getHeader("NanoBananaJobId")).isEqualTo("vase");
        assertThat(edited.resolve("vase.png")).exists();
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void jobRunpodFailsFailsTheCallersExchangeWithTheReasonAndLeavesItsErrorRecord() throws Exception {
        startApplication(properties());
        String job = "{\"id\": \"lost\", \"prompt\": \"p\", \"images\": [\"https://example.invalid/missing.png\"]}";

        Exchange answer = template.request(ROUTE, exchange -> exchange.getIn().setBody(job));

        assertThat(answer.getException()).isInstanceOf(JobFailedException.class)
                .hasMessageStartingWith("Job lost did not complete: RunPod reports the job FAILED")
                .hasMessageContaining("Invalid image URL in images array: https://example.invalid/missing.png")
                .hasMessageEndingWith("(see lost.error.json)");
        assertThat(answer.getMessage().getBody(String.class)).isEqualTo(job);
        assertThat(answer.getMessage().getHeader("NanoBananaStatus")).isEqualTo("FAILED");
        JsonNode record = JSON.readTree(edited.resolve("failed/lost.error.json").toFile());
        assertThat(record.get("runpodStatus").asText()).isEqualTo("FAILED");
        assertThat(answer.getMessage().getHeader("NanoBananaRunpodId")).isEqualTo(record.get("runpodId").asText());
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void invalidJobFailsWithWhatIsWrongAndNothingIsSent() throws Exception {
        startApplication(properties());

        assertThatThrownBy(() -> template.requestBody(ROUTE, "{\"id\": \"typo\", \"promt\": \"p\", "
                                                             + "\"images\": [\"https://images.test/a.png\"]}"))
                .cause().isInstanceOf(JobFailedException.class)
                .hasMessageContaining("unknown field \"promt\" (did you mean \"prompt\"?)")
                // it came from a route, not from an inbox
                .hasMessageEndingWith(". Nothing was sent to RunPod: fix the job and send it again (see "
                                      + "typo.error.json)")
                .hasMessageNotContaining("inbox");
        assertThat(edited.resolve("failed/typo.error.json")).exists();
        assertThat(emulator.requests()).filteredOn(request -> request.operation() != Operation.HEALTH).isEmpty();
    }

    @Test
    void jobWithAnS3ImageInAnApplicationWithoutS3FailsSayingWhatTheApplicationAdds() throws Exception {
        startApplication(properties());

        assertThatThrownBy(() -> template.requestBody(ROUTE, "{\"id\": \"bag\", \"prompt\": \"p\", "
                                                             + "\"images\": [\"s3://photos/bag.png\"]}"))
                .cause().isInstanceOf(JobFailedException.class)
                .hasMessage("Job bag did not complete: invalid job: images[0] \"s3://photos/bag.png\" is in S3, and S3 "
                            + "is not set up: in the standalone runtime, set nanobanana.s3.enabled=true with the "
                            + "bucket's nanobanana.s3.* settings; an application that embeds the pipeline adds the "
                            + "routes dev.nanobanana.camel.s3.NanoBananaS3Routes to its CamelContext, with those "
                            + "settings, and the dependency org.apache.camel:camel-aws2-s3. Nothing was sent to "
                            + "RunPod: fix the job and send it again (see bag.error.json)");
        assertThat(emulator.requests()).filteredOn(request -> request.operation() != Operation.HEALTH).isEmpty();
    }

    @Test
    void everyRouteThatUsesTheKameletSharesTheOnePipeline() throws Exception {
        startApplication(properties());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // no endpoint or key of its own: the pipeline the first kamelet added has them
                from("direct:second").to("kamelet:nano-banana-edit-action");
            }
        });

        template.requestBody(ROUTE, SHOE);
        String record = template.requestBody("direct:second",
                "{\"id\": \"mug\", \"prompt\": \"p\", \"images\": [\"https://images.test/mug.png\"]}", String.class);

        assertThat(JSON.readTree(record).get("status").asText()).isEqualTo("COMPLETED");
        // the second kamelet names no sink: its image goes to the pipeline's own, nanobanana.completed-dir
        assertThat(work.resolve("completed/mug.png")).exists();
        assertThat(edited.resolve("mug.png")).doesNotExist();
        assertThat(edited.resolve("shoe.png")).exists();
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(2);
    }

    @Test
    void threeRoutesCallingTheKameletAlikeEachHaveTheirJobsRunUnderTheSameIds() throws Exception {
        startApplication(properties());
        // identical parameters: Camel creates one kamelet route, which the three routes share
        String kamelet = "kamelet:nano-banana-edit-action?apiKey={{runpod.api-key}}"
                         + "&endpointUrl={{runpod.endpoint-url}}&completedSink=file:{{edited.dir}}";
        long kameletRoutes = kameletRoutes();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:orders").routeId("orders").to(kamelet);
                from("direct:returns").routeId("returns").to(kamelet);
                from("direct:catalogue").routeId("catalogue").to(kamelet);
            }
        });
        String mug = "{\"id\": \"file-mug\", \"prompt\": \"Make the mug green\", "
                     + "\"images\": [\"https://images.test/mug.png\"]}";

        Map<String, String> runpodIds = new LinkedHashMap<>();
        for (String caller : List.of("orders", "returns", "catalogue")) {
            Exchange answer = template.request("direct:" + caller, exchange -> exchange.getIn().setBody(mug));
            assertThat(answer.getException()).as(caller).isNull();
            assertThat(answer.getMessage().getHeader("NanoBananaStatus")).as(caller).isEqualTo("COMPLETED");
            runpodIds.put(caller, answer.getMessage().getHeader("NanoBananaRunpodId", String.class));
        }
        Exchange again = template.request("direct:returns", exchange -> exchange.getIn().setBody(mug));

        assertThat(runpodIds.values()).doesNotContainNull().doesNotHaveDuplicates();
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(3);
        // sent again from the same route: its first result, not paid again
        assertThat(again.getException()).isNull();
        assertThat(again.getMessage().getHeader("NanoBananaRunpodId")).isEqualTo(runpodIds.get("returns"));
        assertThat(edited.resolve("file-mug.png")).exists();
        assertThat(kameletRoutes()).isEqualTo(kameletRoutes + 1);
    }

    long kameletRoutes() {
        return context.getRoutes().stream()
                .filter(route -> route.getRouteId().startsWith("nano-banana-edit-action")).count();
    }

    @Test
    void copyOfTheInboxRouteRunsOnThePipelineTheKameletAdded() throws Exception {
        Path inbox = Files.createDirectories(work.resolve("inbox"));
        Path routes = Files.createDirectories(work.resolve("routes"));
        Files.copy(Path.of("routes/inbox.camel.yaml"), routes.resolve("inbox.camel.yaml"));
        Properties properties = properties();
        properties.setProperty("nanobanana.inbox", inbox.toString());
        context = new DefaultCamelContext();
        context.getPropertiesComponent().setInitialProperties(properties);
        // the inbox route first: it names the file claims before any kamelet has added the pipeline
        PluginHelper.getRoutesLoader(context).loadRoutes(
                ResourceHelper.resolveMandatoryResource(context, "file:" + routes.resolve("inbox.camel.yaml")),
                ResourceHelper.resolveMandatoryResource(context, "classpath:kamelet/edit-images.camel.yaml"));
        context.start();

        Files.writeString(inbox.resolve("vase.json"),
                "{\"prompt\": \"Make the vase blue\", \"images\": [\"https://images.test/vase.png\"]}");

        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(inbox.resolve(".done/vase.json")));
        assertThat(JSON.readTree(work.resolve("completed/vase.json").toFile()).get("status").asText())
                .isEqualTo("COMPLETED");
        assertThat(work.resolve("completed/vase.png")).exists();
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void applicationThatAddsThePipelineItselfHasTheKameletUseIt() throws Exception {
        Properties properties = properties();
        properties.setProperty("nanobanana.endpoint-url", emulator.endpointUrl());
        properties.setProperty("nanobanana.api-key", emulator.apiKey());
        context = new DefaultCamelContext();
        context.getPropertiesComponent().setInitialProperties(properties);
        context.addRoutes(new NanoBananaErrorHandling());
        context.addRoutes(new NanoBananaRoutes());
        int pipelineRoutes = ((ModelCamelContext) context).getRouteDefinitions().size();
        PluginHelper.getRoutesLoader(context).loadRoutes(
                ResourceHelper.resolveMandatoryResource(context, "classpath:kamelet/edit-images.camel.yaml"));
        context.start();
        template = context.createProducerTemplate();

        String record = template.requestBody(ROUTE, SHOE, String.class);

        assertThat(JSON.readTree(record).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(edited.resolve("shoe.png")).exists();
        // the application's routes, the kamelet's route and the YAML route: no second pipeline
        assertThat(context.getRoutes()).hasSize(pipelineRoutes + 2);
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }

    @Test
    void kameletNamingAnotherEndpointThanThePipelineInItsContextIsRefused() throws Exception {
        startApplication(properties());

        assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:elsewhere").to("kamelet:nano-banana-edit-action?endpointUrl=http://127.0.0.1:9/other");
            }
        })).rootCause().hasMessage("kamelet nano-banana-edit-action: endpointUrl http://127.0.0.1:9/other differs from "
                                   + emulator.endpointUrl() + ", where the nano-banana pipeline of this CamelContext "
                                   + "sends its jobs (one per context): leave endpointUrl out, or set "
                                   + "nanobanana.endpoint-url");
    }

    @Test
    void theApiKeyAppearsInNoLogLineAnswerRecordOrFileWhateverHappens() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger camel = (Logger) LoggerFactory.getLogger("org.apache.camel");
        Logger ours = (Logger) LoggerFactory.getLogger("dev.nanobanana");
        Level camelLevel = camel.getLevel();
        Level ourLevel = ours.getLevel();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        camel.setLevel(Level.DEBUG);
        ours.setLevel(Level.DEBUG);
        try {
            startApplication(properties(), true);
            Exchange completed = template.request(ROUTE, exchange -> exchange.getIn().setBody(SHOE));
            Exchange failed = template.request(ROUTE, exchange -> exchange.getIn().setBody(
                    "{\"id\": \"lost\", \"prompt\": \"p\", \"images\": [\"https://example.invalid/a.png\"]}"));
            Exchange invalid = template.request(ROUTE, exchange -> exchange.getIn().setBody("{\"promt\": \"p\"}"));
            context.stop();

            assertThat(completed.getMessage().getBody(String.class)).doesNotContain(API_KEY);
            assertThat(completed.getMessage().getHeaders().toString()).doesNotContain(API_KEY);
            assertThat(failed.getException()).hasMessageNotContaining(API_KEY);
            assertThat(invalid.getException()).hasMessageNotContaining(API_KEY);
        } finally {
            root.detachAppender(logs);
            camel.setLevel(camelLevel);
            ours.setLevel(ourLevel);
        }
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(2)
                .allSatisfy(request -> assertThat(request.authorized()).isTrue());
        assertThat(logs.list).hasSizeGreaterThan(100).allSatisfy(event -> {
            assertThat(event.getFormattedMessage()).doesNotContain(API_KEY);
            if (event.getThrowableProxy() != null) {
                assertThat(event.getThrowableProxy().getMessage()).doesNotContain(API_KEY);
            }
        });
        try (Stream<Path> files = Files.walk(work)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).as(file.toString())
                        .doesNotContain(API_KEY);
            }
        }
    }

    /**
     * Why README tells an application to keep two of Camel's loggers at INFO: at DEBUG they print property values and
     * endpoint URIs with their placeholders resolved, the kamelet's apiKey among them.
     */
    @Test
    void camelsTwoPropertyLoggersAtDebugWouldPrintTheApiKey() throws Exception {
        List<String> pinned = List.of("org.apache.camel.component.properties",
                "org.apache.camel.impl.engine.DefaultCamelContextExtension");
        Map<String, String> leaks = new LinkedHashMap<>();
        for (String logger : pinned) {
            try (LogCapture log = LogCapture.of(logger, "DEBUG")) {
                startApplication(properties());
                template.requestBody(ROUTE, SHOE);
                context.stop();
                leaks.put(logger, log.lines().stream().filter(line -> line.contains(API_KEY)).findFirst()
                        .orElse(null));
            }
        }

        assertThat(leaks).allSatisfy((logger, line) -> assertThat(line).as(logger).isNotNull());
    }

    @Test
    void withoutAnApiKeyTheApplicationDoesNotStartAndSaysWhatToSet() {
        Properties properties = properties();
        properties.setProperty("runpod.api-key", "");

        assertThatThrownBy(() -> startApplication(properties))
                .rootCause().hasMessage("kamelet nano-banana-edit-action has no RunPod API key: set its apiKey "
                                        + "parameter, or RUNPOD_API_KEY (or nanobanana.api-key)");
        assertThat(emulator.requests()).filteredOn(request -> request.operation() != Operation.HEALTH).isEmpty();
    }
}
