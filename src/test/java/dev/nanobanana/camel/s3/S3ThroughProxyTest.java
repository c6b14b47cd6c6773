package dev.nanobanana.camel.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import dev.nanobanana.camel.egress.Egress;
import dev.nanobanana.camel.settings.EgressSettings;
import dev.nanobanana.camel.settings.NoProxy;
import dev.nanobanana.camel.settings.ProxyUrl;
import dev.nanobanana.camel.settings.S3Settings;
import dev.nanobanana.camel.testing.RecordingProxy;
import dev.nanobanana.camel.testing.S3TestServer;

/** The bucket is reached through the company's proxy too, with its credentials; NO_PROXY sends it around. */
class S3ThroughProxyTest {

    static S3Settings store(S3TestServer server) {
        return new S3Settings(true, "jobs", server.region(), server.endpoint().toString(), true, server.accessKey(),
                server.secretKey(), true, Duration.ofHours(1), Duration.ofSeconds(10));
    }

    static Egress egress(RecordingProxy proxy, String noProxy) {
        return Egress.of(new EgressSettings(ProxyUrl.parse("http://s3-user:Pr0xy-S3-Pass@127.0.0.1:" + proxy.port(),
                EgressSettings.PROXY_KEY), null, null, NoProxy.parse(noProxy), "", "PKCS12", ""));
    }

    @Test
    void theS3ClientGoesThroughTheProxyWithItsCredentials() throws Exception {
        try (S3TestServer server = S3TestServer.start();
                RecordingProxy proxy = RecordingProxy.withCredentials("s3-user", "Pr0xy-S3-Pass");
                S3Client client = S3Clients.client(store(server), egress(proxy, ""))) {
            server.createBucket("jobs");

            client.putObject(put -> put.bucket("jobs").key("inbox/shoe.json"),
                    RequestBody.fromString("{}"));

            assertThat(server.getString("jobs", "inbox/shoe.json")).contains("{}");
            assertThat(proxy.passedTo("127.0.0.1:" + server.port())).isPositive();
        }
    }

    @Test
    void noProxyCoveringTheStoreSendsTheS3ClientAroundTheProxy() throws Exception {
        try (S3TestServer server = S3TestServer.start();
                RecordingProxy proxy = RecordingProxy.open();
                S3Client client = S3Clients.client(store(server), egress(proxy, "127.0.0.1"))) {
            server.createBucket("jobs");

            client.putObject(put -> put.bucket("jobs").key("inbox/shoe.json"),
                    RequestBody.fromString("{}"));

            assertThat(server.getString("jobs", "inbox/shoe.json")).contains("{}");
            assertThat(proxy.passed()).isEmpty();
        }
    }
}
