package dev.nanobanana.camel.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Properties;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.nanobanana.camel.pipeline.PipelineTest;
import dev.nanobanana.camel.testing.LogCapture;
import dev.nanobanana.camel.testing.PipelineTestSupport;
import dev.nanobanana.camel.testing.RecordingProxy;
import dev.nanobanana.emulator.Operation;

/** A proxy that wants a user and a password: they come from the proxy's URL, and are never written anywhere. */
class BatchThroughProxyWithCredentialsTest extends PipelineTestSupport {

    static final String PASSWORD = "Pr0xy-Secret-42";

    @RegisterExtension
    final LogCapture log = new LogCapture(Level.DEBUG);
    RecordingProxy proxy;

    @Override
    protected void setupResources() throws Exception {
        super.setupResources();
        proxy = RecordingProxy.withCredentials("batch-user", PASSWORD);
    }

    @Override
    public Properties settings() {
        Properties settings = super.settings();
        settings.setProperty("nanobanana.http.proxy", "http://batch-user:" + PASSWORD + "@127.0.0.1:" + proxy.port());
        return settings;
    }

    @AfterEach
    void stopProxy() throws Exception {
        proxy.close();
    }

    @Test
    void aProxyThatAsksForCredentialsGetsThoseOfItsUrlAndThePasswordIsWrittenNowhere() throws Exception {
        drop("shoe.json", PipelineTest.job(""));

        String record = Files.readString(awaitFile(completed.resolve("shoe.json")));
        processed(".done", "shoe.json");

        // sent with every call, up front: the proxy never had to ask
        assertThat(proxy.demandedCredentials()).isZero();
        assertThat(proxy.passed()).hasSameSizeAs(emulator.requests())
                .contains("POST 127.0.0.1:" + emulator.port(), "GET 127.0.0.1:" + emulator.port());
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
        assertThat(record).doesNotContain(PASSWORD);
        assertThat(log.text()).contains("Outbound calls go through the proxy 127.0.0.1:" + proxy.port()
                                        + " (nanobanana.http.proxy, as batch-user)")
                .doesNotContain(PASSWORD);
    }
}
