package dev.nanobanana.camel.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.RunpodEmulator;
import dev.nanobanana.camel.pipeline.NanoBananaErrorHandling;
import dev.nanobanana.camel.pipeline.NanoBananaRoutes;

/**
 * The pipeline as the standalone runtime runs it (the inbox route from {@code routes/}, the library routes, the
 * error handling) in a Camel test context, against a fresh built-in emulator on loopback and real folders.
 */
public abstract class PipelineTestSupport extends CamelTestSupport {

    public static final ObjectMapper JSON = new ObjectMapper();
    /**
     * How long a test waits for what it expects, at most: only a failing test waits this long. Generous, as test
     * classes run in several JVMs at once, on a machine that may be busy with more.
     */
    public static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    public Path work;
    public RunpodEmulator emulator;
    private final List<CamelContext> instances = new ArrayList<>();

    public Path inbox;
    public Path completed;
    public Path failed;
    public Path spool;

    /** The emulator for this test; tests may change its settings. */
    public EmulatorSettings emulatorSettings() {
        return EmulatorSettings.defaults()
                .withLatency(Duration.ofMillis(50))
                .withRunsyncWait(Duration.ofMillis(400));
    }

    /** The pipeline's settings for this test: short waits, so that retries and polling run quickly. */
    public Properties settings() {
        Properties p = new Properties();
        p.setProperty("nanobanana.endpoint-url", emulator.endpointUrl());
        p.setProperty("nanobanana.api-key", emulator.apiKey());
        p.setProperty("nanobanana.inbox", inbox.toString());
        p.setProperty("nanobanana.completed-dir", completed.toString());
        p.setProperty("nanobanana.failed-dir", failed.toString());
        p.setProperty("nanobanana.spool-dir", spool.toString());
        p.setProperty("nanobanana.ledger.url", "jdbc:h2:file:" + work.resolve("state/ledger"));
        // jobs let go of (a sink that was down) are taken up again within a second
        p.setProperty("nanobanana.ledger.lease", "3s");
        p.setProperty("nanobanana.retry.paid-image-for", "2s");
        p.setProperty("nanobanana.concurrency", "4");
        p.setProperty("nanobanana.retry.max-attempts", "3");
        p.setProperty("nanobanana.retry.initial-delay", "100");
        p.setProperty("nanobanana.retry.max-delay", "3s");
        p.setProperty("nanobanana.http.read-timeout", "10s");
        p.setProperty("nanobanana.poll.initial-interval", "100");
        p.setProperty("nanobanana.poll.max-interval", "300");
        p.setProperty("nanobanana.poll.deadline", "10s");
        return p;
    }

    @Override
    protected void setupResources() throws Exception {
        emulator = RunpodEmulator.start(emulatorSettings());
        inbox = Files.createDirectories(work.resolve("inbox"));
        completed = work.resolve("out/completed");
        failed = work.resolve("out/failed");
        spool = work.resolve("out/spool");
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getPropertiesComponent().setOverrideProperties(settings());

        return context;
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        return new RoutesBuilder[] { new NanoBananaErrorHandling(), new NanoBananaRoutes() };
    }

    @BeforeEach
    public void loadInboxRoute() throws Exception {
        PluginHelper.getRoutesLoader(context)
                .loadRoutes(ResourceHelper.resolveMandatoryResource(context, "file:routes/inbox.camel.yaml"));
    }

    @AfterEach
    public void stopEmulator() {
        instances.forEach(CamelContext::stop);
        emulator.close();
    }

    /** Another runtime on the same folders and ledger, as after a restart with other settings; stopped after the test. */
    public CamelContext startInstance(Properties settings) throws Exception {
        CamelContext instance = new DefaultCamelContext();
        instances.add(instance);
        instance.getPropertiesComponent().setOverrideProperties(settings);
        instance.addRoutes(new NanoBananaErrorHandling());
        instance.addRoutes(new NanoBananaRoutes());
        instance.start();
        PluginHelper.getRoutesLoader(instance)
                .loadRoutes(ResourceHelper.resolveMandatoryResource(instance, "file:routes/inbox.camel.yaml"));
        return instance;
    }

    /** Drops a job file into the inbox as a user would: written beside it, then moved in. */
    public Path drop(String name, String content) throws IOException {
        Path staged = Files.writeString(work.resolve(name), content, StandardCharsets.UTF_8);
        return Files.move(staged, inbox.resolve(name));
    }

    public static Path awaitFile(Path file) {
        await().atMost(WAIT).until(() -> Files.exists(file));
        return file;
    }

    public static JsonNode json(Path file) throws IOException {
        return JSON.readTree(awaitFile(file).toFile());
    }

    /** The job file once the inbox is done with it: in .done or .failed. */
    public Path processed(String folder, String name) {
        return awaitFile(inbox.resolve(folder).resolve(name));
    }
}
