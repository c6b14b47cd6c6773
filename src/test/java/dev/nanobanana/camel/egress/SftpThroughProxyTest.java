package dev.nanobanana.camel.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Properties;

import ch.qos.logback.classic.Level;
import org.apache.camel.RoutesBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.nanobanana.camel.pipeline.NanoBananaErrorHandling;
import dev.nanobanana.camel.pipeline.NanoBananaRoutes;
import dev.nanobanana.camel.pipeline.PipelineTest;
import dev.nanobanana.camel.settings.EgressSettings;
import dev.nanobanana.camel.settings.NanoBananaSettings;
import dev.nanobanana.camel.settings.NoProxy;
import dev.nanobanana.camel.settings.ProxyUrl;
import dev.nanobanana.camel.testing.LogCapture;
import dev.nanobanana.camel.testing.RecordingProxy;
import dev.nanobanana.camel.testing.RemoteSourcesTestSupport;
import dev.nanobanana.emulator.Fault;
import dev.nanobanana.emulator.Operation;

/**
 * SFTP behind the company's proxy: the source of {@code routes/sftp.camel.yaml} and its sinks reach the server through
 * an HTTP CONNECT tunnel of the proxy that RunPod's calls take, with its credentials; NO_PROXY sends them around it;
 * a proxy that is down is named in the source's error. The route file is the one users have, unedited.
 */
class SftpThroughProxyTest extends RemoteSourcesTestSupport {

    static final String PROXY_USER = "sftp-proxy-user";
    static final String PROXY_PASSWORD = "Pr0xy-SFTP-Pass-31";

    @RegisterExtension
    final LogCapture logs = new LogCapture(Level.INFO);

    /** The test's method, which chooses the proxy before the context starts. */
    final String method;
    RecordingProxy proxy;
    String proxyUrl;
    String noProxy = "";

    SftpThroughProxyTest(TestInfo test) {
        this.method = test.getTestMethod().orElseThrow().getName();
    }

    @Override
    protected void setupResources() throws Exception {
        super.setupResources();
        if (method.contains("Credentials")) {
            proxy = RecordingProxy.withCredentials(PROXY_USER, PROXY_PASSWORD);
            proxyUrl = "http://" + PROXY_USER + ":" + PROXY_PASSWORD + "@127.0.0.1:" + proxy.port();
        } else if (method.contains("Down")) {
            try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                proxyUrl = "http://127.0.0.1:" + closed.getLocalPort();
            }
        } else {
            proxy = RecordingProxy.open();
            proxyUrl = proxy.url();
            if (method.contains("NoProxy")) {
                noProxy = "127.0.0.1:" + sftp.port();
            }
        }
    }

    @Override
    public Properties settings() {
        Properties p = super.settings();
        p.setProperty("nanobanana.http.proxy", proxyUrl);
        return p;
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        // NO_PROXY is read from the environment: here it is given as the settings that the environment would make
        NanoBananaSettings settings = NanoBananaSettings.from(context);
        EgressSettings egress = settings.egress();
        settings = settings.withEgress(new EgressSettings(egress.proxy(), null, null, NoProxy.parse(noProxy), "",
                "PKCS12", ""));
        return new RoutesBuilder[] { new NanoBananaErrorHandling(), new NanoBananaRoutes(settings) };
    }

    @AfterEach
    void closeProxy() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void theSourceAndTheSinksConnectThroughTheProxy() throws Exception {
        runABatch();

        // the source's session, and the sinks' (a result record and an image in completed, an error record in failed)
        assertThat(proxy.passedTo("127.0.0.1:" + sftp.port())).isGreaterThanOrEqualTo(2);
        assertThat(logs.lines()).contains("INFO SftpEgress SFTP connections to 127.0.0.1:" + sftp.port()
                                          + " go through the proxy 127.0.0.1:" + proxy.port()
                                          + " (nanobanana.http.proxy)");
    }

    @Test
    void theSourceAndTheSinksConnectThroughAProxyThatWantsCredentials() throws Exception {
        runABatch();

        assertThat(proxy.passedTo("127.0.0.1:" + sftp.port())).isGreaterThanOrEqualTo(2);
        assertThat(proxy.demandedCredentials()).isZero();
        assertThat(logs.lines()).contains("INFO SftpEgress SFTP connections to 127.0.0.1:" + sftp.port()
                                          + " go through the proxy 127.0.0.1:" + proxy.port()
                                          + " (nanobanana.http.proxy, as " + PROXY_USER + ")");
        assertThat(logs.text()).doesNotContain(PROXY_PASSWORD);
    }

    @Test
    void aServerThatNoProxyListsIsReachedDirectly() throws Exception {
        runABatch();

        assertThat(proxy.passedTo("127.0.0.1:" + sftp.port())).isZero();
        // RunPod's calls still go through it
        assertThat(proxy.passed()).isNotEmpty();
        assertThat(logs.lines()).contains("INFO SftpEgress SFTP connections to 127.0.0.1:" + sftp.port()
                                          + " go direct: NO_PROXY lists the host");
    }

    @Test
    void aProxyThatIsDownIsNamedInTheSourcesError() throws Exception {
        loadRoutes("sftp.camel.yaml", routeFile("sftp.camel.yaml"));
        upload("shoe.json", PipelineTest.job(""));

        String proxyAddress = proxyUrl.substring("http://".length());
        await().atMost(WAIT).untilAsserted(() -> assertThat(logs.lines(Level.WARN)).anySatisfy(line -> assertThat(line)
                .contains("sftp://127.0.0.1:" + sftp.port() + "/inbox cannot be read")
                .contains("proxy " + proxyAddress + " refused the connection (the proxy of nanobanana.http.proxy): "
                          + "check nanobanana.http.proxy and that the proxy runs")));
        assertThat(sftpRoot.resolve("inbox/shoe.json")).exists();
    }

    /**
     * Three job files at once, their results written by the sink at the same time (several sessions of one endpoint
     * through the proxy at once), and a job RunPod fails, whose error record goes to the failed folder.
     */
    private void runABatch() throws Exception {
        loadRoutes("sftp.camel.yaml", routeFile("sftp.camel.yaml"));
        emulator.inject(Operation.RUNSYNC, Fault.jobFails("bad input"));
        upload("bad.json", PipelineTest.job(""));
        for (String name : List.of("shoe", "hat", "cup")) {
            upload(name + ".json", PipelineTest.job(""));
        }
        for (String name : List.of("shoe", "hat", "cup")) {
            assertThat(json(sftpRoot.resolve("out/completed/" + name + ".json")).get("status").asText())
                    .isEqualTo("COMPLETED");
            assertThat(sftpRoot.resolve("out/completed/" + name + ".png")).exists();
            awaitFile(sftpRoot.resolve("inbox/.done/" + name + ".json"));
        }
        assertThat(json(sftpRoot.resolve("out/failed/bad.error.json")).get("reason").asText()).contains("bad input");
    }
}
