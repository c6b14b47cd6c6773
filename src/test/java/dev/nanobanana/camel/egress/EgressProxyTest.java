package dev.nanobanana.camel.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.nanobanana.camel.settings.EgressSettings;
import dev.nanobanana.camel.settings.NoProxy;
import dev.nanobanana.camel.settings.ProxyUrl;

/** Which proxy a call takes: the setting, then HTTPS_PROXY/HTTP_PROXY, then the JVM's; NO_PROXY as curl reads it. */
class EgressProxyTest {

    static final URI RUNPOD = URI.create("https://api.runpod.ai/v2/google-nano-banana-2-edit/runsync");
    static final URI IMAGE = URI.create("http://cdn.example.com/out/1.png");

    static EgressSettings egress(String setting, String httpsProxy, String httpProxy, String noProxy) {
        return new EgressSettings(ProxyUrl.parse(setting, EgressSettings.PROXY_KEY),
                ProxyUrl.parse(httpsProxy, "HTTPS_PROXY"), ProxyUrl.parse(httpProxy, "HTTP_PROXY"),
                NoProxy.parse(noProxy), "", "PKCS12", "");
    }

    static String chosen(EgressSettings settings, URI uri) {
        return chosen(new EgressProxy(settings, ProxySelector.of(new InetSocketAddress("jvm.proxy", 3128))), uri);
    }

    static String chosen(ProxySelector selector, URI uri) {
        Proxy proxy = selector.select(uri).get(0);
        return proxy.type() == Proxy.Type.DIRECT ? "direct"
                : ((InetSocketAddress) proxy.address()).getHostString() + ":"
                  + ((InetSocketAddress) proxy.address()).getPort();
    }

    @Test
    void theSettingWinsOverTheEnvironmentAndTheEnvironmentOverTheJvm() {
        assertThat(chosen(egress("http://corp:8080", "http://env-https:3128", "http://env-http:3128", ""), RUNPOD))
                .isEqualTo("corp:8080");
        assertThat(chosen(egress("", "http://env-https:3128", "http://env-http:3128", ""), RUNPOD))
                .isEqualTo("env-https:3128");
        assertThat(chosen(egress("", "http://env-https:3128", "http://env-http:3128", ""), IMAGE))
                .isEqualTo("env-http:3128");
        assertThat(chosen(egress("", "", "", ""), RUNPOD)).isEqualTo("jvm.proxy:3128");
        // an https URL with only HTTP_PROXY set is left to the JVM, as curl leaves it direct
        assertThat(chosen(egress("", "", "http://env-http:3128", ""), RUNPOD)).isEqualTo("jvm.proxy:3128");
    }

    @Test
    void noProxyTakesSuffixesDomainsPortsAddressRangesAndAStar() {
        EgressSettings settings = egress("http://corp:8080", "", "",
                ".example.com, runpod.ai,127.0.0.1:9000 ,10.0.0.0/8,[::1]");
        assertThat(chosen(settings, IMAGE)).isEqualTo("direct");
        assertThat(chosen(settings, URI.create("https://example.com/x"))).isEqualTo("direct");
        assertThat(chosen(settings, RUNPOD)).isEqualTo("direct");
        assertThat(chosen(settings, URI.create("https://notrunpod.ai/x"))).isEqualTo("corp:8080");
        assertThat(chosen(settings, URI.create("http://127.0.0.1:9000/x"))).isEqualTo("direct");
        assertThat(chosen(settings, URI.create("http://127.0.0.1:9001/x"))).isEqualTo("corp:8080");
        assertThat(chosen(settings, URI.create("http://10.20.30.40/x"))).isEqualTo("direct");
        assertThat(chosen(settings, URI.create("http://11.0.0.1/x"))).isEqualTo("corp:8080");
        assertThat(chosen(settings, URI.create("http://[::1]:8080/x"))).isEqualTo("direct");
        assertThat(chosen(egress("http://corp:8080", "", "", "*"), RUNPOD)).isEqualTo("direct");
    }

    @Test
    void aProxyOfOursIsUsedForLoopbackTooUnlessNoProxyNamesIt() {
        URI loopback = URI.create("http://127.0.0.1:8080/v2/x/health");
        assertThat(chosen(egress("http://corp:8080", "", "", ""), loopback)).isEqualTo("corp:8080");
        assertThat(chosen(egress("http://corp:8080", "", "", "127.0.0.1"), loopback)).isEqualTo("direct");
    }

    @Test
    void withNothingOfOursTheJvmsProxyPropertiesStillApply() {
        Map<String, String> properties = Map.of("https.proxyHost", "jvm-proxy.example", "https.proxyPort", "3129",
                "http.nonProxyHosts", "*.internal.example");
        properties.forEach(System::setProperty);
        try {
            EgressProxy proxy = EgressProxy.of(EgressSettings.JVM_DEFAULTS);
            assertThat(chosen(proxy, RUNPOD)).isEqualTo("jvm-proxy.example:3129");
            assertThat(chosen(proxy, URI.create("https://store.internal.example/x"))).isEqualTo("direct");
            assertThat(proxy.describe())
                    .isEqualTo("Outbound calls go through the JVM's proxy jvm-proxy.example (-Dhttps.proxyHost, "
                               + "-Dhttp.proxyHost)");
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
    }

    @Test
    void theProxyInALogLineShowsItsUserButNeverItsPassword() {
        EgressProxy proxy = new EgressProxy(egress("", "http://ops:S3cr3t-Pass@proxy.corp:3128", "", "localhost"),
                null);
        assertThat(proxy.describe()).isEqualTo("Outbound calls go through the proxy of the environment: "
                                               + "proxy.corp:3128 (HTTPS_PROXY, as ops); around it to NO_PROXY's "
                                               + "localhost");
        assertThat(List.of(proxy.describe(), String.valueOf(egress("http://ops:S3cr3t-Pass@p:1", "", "", ""))))
                .noneMatch(text -> text.contains("S3cr3t-Pass"));
    }
}
