package dev.nanobanana.camel.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.camel.testing.PipelineTestSupport;
import dev.nanobanana.camel.testing.TestCertificates;
import dev.nanobanana.camel.testing.TlsFront;
import dev.nanobanana.emulator.Operation;

/**
 * RunPod reached over HTTPS through a TLS-inspecting proxy, whose certificates come from the company's own CA: refused
 * with a reason that names the certificate and the setting, then accepted once nanobanana.http.trust-store holds the
 * CA.
 */
class CompanyTrustStoreTest extends PipelineTestSupport {

    static final String JOB = """
            {"prompt": "Make the sneaker yellow", "images": ["https://images.test/shoe.png"],
             "enable_base64_output": true}""";

    @TempDir
    static Path certificatesDir;
    static TestCertificates certificates;
    TlsFront front;

    @BeforeAll
    static void issueCertificates() throws Exception {
        certificates = TestCertificates.issue(certificatesDir);
    }

    @Override
    protected void setupResources() throws Exception {
        super.setupResources();
        front = TlsFront.of(certificates, emulator.port());
    }

    @Override
    public Properties settings() {
        Properties settings = super.settings();
        settings.setProperty("nanobanana.endpoint-url", front.url(URI.create(emulator.endpointUrl()).getPath()));
        settings.setProperty("nanobanana.retry.max-attempts", "1");
        return settings;
    }

    @AfterEach
    void stopFront() throws Exception {
        front.close();
    }

    @Test
    void aCertificateFromTheCompanysCaIsRefusedWithAReasonThatNamesItAndTheSetting() throws Exception {
        drop("shoe.json", JOB);

        JsonNode record = json(failed.resolve("shoe.error.json"));
        assertThat(record.get("reason").asText())
                .startsWith("RunPod's certificate was not accepted while submitting the job to RunPod (the "
                            + "certificate \"" + TestCertificates.SERVER_NAME + "\" (issued by \""
                            + TestCertificates.CA_NAME + "\") of 127.0.0.1:" + front.port() + " is not trusted (")
                .endsWith("; if a proxy inspects TLS, set nanobanana.http.trust-store to its CA)")
                .doesNotContain("SSLHandshakeException");
        assertThat(emulator.requests(Operation.RUNSYNC)).isEmpty();
    }

    @Test
    void theCompanysCaInTheTrustStoreSettingLetsTheJobThrough() throws Exception {
        Properties trusting = settings();
        trusting.setProperty("nanobanana.http.trust-store", certificates.trustStore().toString());
        trusting.setProperty("nanobanana.http.trust-store-password", certificates.password());
        context.stop();
        startInstance(trusting);

        drop("shoe.json", JOB);

        JsonNode record = json(completed.resolve("shoe.json"));
        assertThat(record.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(completed.resolve("shoe.png")).exists();
        assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(1);
    }
}
