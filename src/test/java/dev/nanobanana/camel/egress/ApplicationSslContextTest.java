package dev.nanobanana.camel.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.camel.pipeline.NanoBananaErrorHandling;
import dev.nanobanana.camel.pipeline.NanoBananaRoutes;
import dev.nanobanana.camel.testing.LogCapture;
import dev.nanobanana.camel.testing.PipelineTestSupport;
import dev.nanobanana.camel.testing.TestCertificates;
import dev.nanobanana.camel.testing.TlsFront;
import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RunpodEmulator;

/**
 * An application that embeds the routes in its own CamelContext, with global SSLContextParameters of its own (as Camel
 * Main makes them from {@code camel.ssl.*}), reaches RunPod over HTTPS through a TLS-inspecting proxy whose CA those
 * parameters trust; without them, RunPod's certificate is refused with a reason that names it; with
 * {@code nanobanana.http.trust-store} set too, the setting wins.
 */
class ApplicationSslContextTest {

    static final Map<String, Object> JOB = Map.of("id", "shoe", "prompt", "Make the sneaker yellow",
            "images", List.of("https://images.test/shoe.png"), "enable_base64_output", true);

    @TempDir
    static Path certificatesDir;
    @TempDir
    static Path otherCertificatesDir;
    static TestCertificates certificates;
    /** Another company's CA: trusting it does not let the proxy's certificate through. */
    static TestCertificates otherCertificates;

    @TempDir
    Path work;
    @RegisterExtension
    final LogCapture log = new LogCapture(Level.INFO);
    RunpodEmulator emulator;
    TlsFront front;
    CamelContext context;

    @BeforeAll
    static void issueCertificates() throws Exception {
        certificates = TestCertificates.issue(certificatesDir);
        otherCertificates = TestCertificates.issue(otherCertificatesDir);
    }

    @BeforeEach
    void startRunpodBehindTls() throws Exception {
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofMillis(50)));
        front = TlsFront.of(certificates, emulator.port());
    }

    @AfterEach
    void stop() throws Exception {
        if (context != null) {
            context.stop();
        }
        front.close();
        emulator.close();
    }

    @Test
    void theApplicationsSslContextParametersLetTheJobThrough() throws Exception {
        start(trusting(certificates), Map.of());

        assertThat(send().get("status").asText()).isEqualTo("COMPLETED");
        assertThat(work.resolve("completed/shoe.png")).exists();
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
        assertThat(log.lines()).contains("INFO Egress RunPod's calls and the image downloads use the TLS of the "
                                         + "CamelContext's SSLContextParameters (camel.ssl.*)");
    }

    @Test
    void withoutThemTheProxysCertificateIsRefusedWithAReasonThatNamesIt() throws Exception {
        start(null, Map.of());

        JsonNode record = send();
        assertThat(record.has("status")).as("an error record").isFalse();
        assertThat(record.get("reason").asText())
                .startsWith("RunPod's certificate was not accepted while submitting the job to RunPod (the "
                            + "certificate \"" + TestCertificates.SERVER_NAME + "\" (issued by \""
                            + TestCertificates.CA_NAME + "\") of 127.0.0.1:" + front.port() + " is not trusted (");
        assertThat(emulator.requests(Operation.RUNSYNC)).isEmpty();
    }

    @Test
    void theTrustStoreSettingWinsOverTheApplicationsParameters() throws Exception {
        // the application's parameters trust another CA only: were they used, the job would be refused
        start(trusting(otherCertificates), Map.of("nanobanana.http.trust-store", certificates.trustStore().toString(),
                "nanobanana.http.trust-store-password", certificates.password()));

        assertThat(send().get("status").asText()).isEqualTo("COMPLETED");
        assertThat(log.lines()).contains("INFO Egress Outbound TLS trusts Java's certificates and those of "
                                         + "nanobanana.http.trust-store (" + certificates.trustStore() + "); "
                                         + "nanobanana.http.trust-store wins over the CamelContext's "
                                         + "SSLContextParameters, which RunPod's calls and the image downloads do "
                                         + "not use");
    }

    @Test
    void theApplicationsParametersAloneDoNotTrustAnotherCa() throws Exception {
        start(trusting(otherCertificates), Map.of());

        JsonNode record = send();
        assertThat(record.has("status")).as("an error record").isFalse();
        assertThat(record.get("reason").asText()).startsWith("RunPod's certificate was not accepted while submitting "
                                                             + "the job to RunPod");
    }

    /** The application's SSL parameters: a trust store with one CA, as {@code camel.ssl.trust-store} would name. */
    private static SSLContextParameters trusting(TestCertificates ca) {
        KeyStoreParameters store = new KeyStoreParameters();
        store.setResource("file:" + ca.trustStore());
        store.setPassword(ca.password());
        store.setType("PKCS12");
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setKeyStore(store);
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setTrustManagers(trust);
        return parameters;
    }

    private void start(SSLContextParameters parameters, Map<String, String> more) throws Exception {
        context = new DefaultCamelContext();
        Properties properties = new Properties();
        properties.setProperty("nanobanana.endpoint-url", front.url(URI.create(emulator.endpointUrl()).getPath()));
        properties.setProperty("nanobanana.api-key", emulator.apiKey());
        properties.setProperty("nanobanana.completed-dir", work.resolve("completed").toString());
        properties.setProperty("nanobanana.failed-dir", work.resolve("failed").toString());
        properties.setProperty("nanobanana.spool-dir", work.resolve("spool").toString());
        properties.setProperty("nanobanana.ledger.url", "jdbc:h2:file:" + work.resolve("state/ledger"));
        properties.setProperty("nanobanana.retry.max-attempts", "1");
        properties.putAll(more);
        context.getPropertiesComponent().setInitialProperties(properties);
        context.setSSLContextParameters(parameters);
        context.addRoutes(new NanoBananaErrorHandling());
        context.addRoutes(new NanoBananaRoutes());
        context.start();
    }

    /** Sends the job as the application would, and reads its record: in the completed sink, or the failed one. */
    private JsonNode send() throws Exception {
        context.createProducerTemplate().sendBody(NanoBananaRoutes.JOB, JOB);
        Path completed = work.resolve("completed/shoe.json");
        Path failed = work.resolve("failed/shoe.error.json");
        org.awaitility.Awaitility.await().atMost(PipelineTestSupport.WAIT)
                .until(() -> Files.exists(completed) || Files.exists(failed));
        return PipelineTestSupport.json(Files.exists(completed) ? completed : failed);
    }
}
