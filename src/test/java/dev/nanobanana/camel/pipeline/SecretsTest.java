package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Fault;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.camel.settings.NanoBananaSettings;
import dev.nanobanana.camel.testing.RemoteSourcesTestSupport;
import dev.nanobanana.camel.testing.LogCapture;

/**
 * The API key, the S3 keys and the SFTP password appear in no log line (Camel at DEBUG, with route tracing on), no
 * record and no file the runtime writes, whatever happens to the jobs.
 */
class SecretsTest extends RemoteSourcesTestSupport {

    static final String API_KEY = "rpa_SECRET7f3a9cTESTKEY";

    private final LogCapture logs = new LogCapture(Level.INFO);
    private final Logger camel = (Logger) LoggerFactory.getLogger("org.apache.camel");
    private final Logger ours = (Logger) LoggerFactory.getLogger("dev.nanobanana");
    private Level camelLevel;
    private Level ourLevel;

    @Override
    public EmulatorSettings emulatorSettings() {
        return super.emulatorSettings().withApiKey(API_KEY);
    }

    @Override
    protected void setupResources() throws Exception {
        // from the very start, so that what Camel logs while it builds the routes is seen too
        camelLevel = camel.getLevel();
        ourLevel = ours.getLevel();
        camel.setLevel(Level.DEBUG);
        ours.setLevel(Level.DEBUG);
        logs.start();
        super.setupResources();
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.setTracing(true);
        return context;
    }

    @AfterEach
    void stopCapturing() {
        logs.afterEach(null);
        camel.setLevel(camelLevel);
        ours.setLevel(ourLevel);
    }

    @Test
    void noSecretInAnyLogLineRecordOrFileWhateverHappens() throws Exception {
        loadRoutes("sftp.camel.yaml", routeFile("sftp.camel.yaml"));
        loadRoutes("s3.camel.yaml", routeFile("s3.camel.yaml"));

        emulator.inject(Operation.RUNSYNC, Fault.httpStatus(429, Duration.ofSeconds(1)));
        drop("ok.json", PipelineTest.job(""));
        awaitFile(completed.resolve("ok.json"));
        emulator.inject(Operation.RUNSYNC, Fault.httpStatus(401));
        drop("refused.json", PipelineTest.job(""));
        awaitFile(failed.resolve("refused.error.json"));
        for (int i = 0; i < 3; i++) {
            emulator.inject(Operation.RUNSYNC, Fault.httpStatus(500));
        }
        drop("broken.json", PipelineTest.job(""));
        awaitFile(failed.resolve("broken.error.json"));
        emulator.inject(Operation.RUNSYNC, Fault.jobFails("bad input"));
        drop("failed.json", PipelineTest.job(""));
        awaitFile(failed.resolve("failed.error.json"));
        drop("invalid.json", "{\"promt\": \"p\"}");
        processed(".failed", "invalid.json");
        upload("remote.json", PipelineTest.job(""));
        awaitFile(sftpRoot.resolve("out/completed/remote.json"));
        s3.put(BUCKET, "inbox/bucket.json", PipelineTest.job(""));
        await().atMost(WAIT).until(() -> s3.get(BUCKET, "out/completed/bucket.json").isPresent());
        // the job file is moved once its job is done: every key listed below is still there when it is read
        await().atMost(WAIT).until(() -> s3.keys(BUCKET, "inbox/").equals(List.of("inbox/.done/bucket.json")));

        List<String> secrets = List.of(API_KEY, s3.secretKey(), s3.accessKey(), sftp.password());
        assertThat(emulator.requests(Operation.RUNSYNC)).allSatisfy(request ->
                assertThat(request.authorized()).isTrue());
        assertThat(logs.lines()).hasSizeGreaterThan(100).allSatisfy(line -> assertThat(line).doesNotContain(secrets));
        for (Path root : List.of(work, sftpRoot)) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).as(file.toString())
                            .doesNotContain(secrets);
                }
            }
        }
        for (String key : s3.keys(BUCKET, "")) {
            assertThat(s3.getString(BUCKET, key).orElseThrow()).as(key).doesNotContain(secrets);
        }
        assertThat(NanoBananaSettings.from(context).toString()).doesNotContain(API_KEY);
    }
}
