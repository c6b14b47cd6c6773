package dev.nanobanana.camel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import dev.nanobanana.camel.emulator.EmulatorSettings;
import dev.nanobanana.camel.emulator.Fault;
import dev.nanobanana.camel.emulator.Operation;

/** The API key appears in no log line and no record, whatever happens to the jobs. */
class SecretsTest extends PipelineTestSupport {

    static final String API_KEY = "rpa_SECRET7f3a9cTESTKEY";

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger camel = (Logger) LoggerFactory.getLogger("org.apache.camel");
    private Level rootLevel;
    private Level camelLevel;

    @Override
    EmulatorSettings emulatorSettings() {
        return super.emulatorSettings().withApiKey(API_KEY);
    }

    @Override
    protected void setupResources() throws Exception {
        captureEveryLogLineFromTheStart();
        super.setupResources();
    }

    private void captureEveryLogLineFromTheStart() {
        rootLevel = root.getLevel();
        camelLevel = camel.getLevel();
        root.setLevel(Level.INFO);
        camel.setLevel(Level.INFO);
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void stopCapturing() {
        root.detachAppender(logs);
        root.setLevel(rootLevel);
        camel.setLevel(camelLevel);
    }

    @Test
    void apiKeyIsInNoLogLineAndNoRecord() throws Exception {
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
        awaitFile(failed.resolve("invalid.error.json"));
        processed(".failed", "invalid.json");

        assertThat(emulator.requests(Operation.RUNSYNC)).allSatisfy(request ->
                assertThat(request.authorized()).isTrue());
        assertThat(logs.list).hasSizeGreaterThan(10).allSatisfy(event -> {
            assertThat(event.getFormattedMessage()).doesNotContain(API_KEY);
            if (event.getThrowableProxy() != null) {
                assertThat(ThrowableProxyUtil.asString(event.getThrowableProxy())).doesNotContain(API_KEY);
            }
        });
        try (Stream<Path> files = Files.walk(work)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as(file.toString()).doesNotContain(API_KEY);
            }
        }
        assertThat(NanoBananaSettings.from(context).toString()).doesNotContain(API_KEY);
    }
}
