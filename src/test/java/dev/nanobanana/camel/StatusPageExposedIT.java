package dev.nanobanana.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

import dev.nanobanana.camel.testing.Chromium;

/** The status page on a management server that other machines can reach: a token, or no page at all. */
class StatusPageExposedIT {

    static final String TOKEN = "status-token-5b1e0c7a";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path home;

    @Test
    void beyondLoopbackWithoutATokenThePageIsRefusedAndSaysWhatToSet() throws Exception {
        int port = StatusPageIT.freePort();
        RuntimeProcess runtime = new RuntimeProcess(home, Map.of("NANOBANANA_EMULATOR_ENABLED", "true"),
                "-Dcamel.management.host=0.0.0.0", "-Dcamel.management.port=" + port);
        try {
            runtime.start();
            String base = "http://127.0.0.1:" + port;
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> get(base + "/observe/health/live",
                    Map.of()).statusCode() == 200);

            for (String path : new String[] {"/status/", "/status/api/summary.json", "/status/images/examples/shoe"}) {
                HttpResponse<String> refused = get(base + path, Map.of());
                assertThat(refused.statusCode()).as(path).isEqualTo(403);
                assertThat(refused.body()).as(path).contains("listens on 0.0.0.0 (camel.management.host)")
                        .contains("nanobanana.status.token is not set").contains("NANOBANANA_STATUS_TOKEN");
            }
            assertThat(runtime.log()).contains("The status page is off: the management server listens on 0.0.0.0");
        } finally {
            runtime.close();
        }
    }

    @Test
    void withATokenThePageNeedsItAndABrowserOpensItOnceByItsAddress() throws Exception {
        int port = StatusPageIT.freePort();
        RuntimeProcess runtime = new RuntimeProcess(home, Map.of("NANOBANANA_EMULATOR_ENABLED", "true",
                "NANOBANANA_STATUS_TOKEN", TOKEN), "-Dcamel.management.host=0.0.0.0",
                "-Dcamel.management.port=" + port);
        try {
            runtime.start();
            String base = "http://127.0.0.1:" + port;
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> get(base + "/observe/health/live",
                    Map.of()).statusCode() == 200);

            runtime.drop("shoe.json", """
                    {"prompt": "Make the shoe yellow", "images": ["https://example.com/shoe.jpg"]}
                    """);
            for (String path : new String[] {"/status/", "/status/assets/status.js", "/status/images/inbox/shoe",
                "/status/records/inbox/shoe"}) {
                assertThat(get(base + path, Map.of()).statusCode()).as(path).isEqualTo(401);
            }
            HttpResponse<String> without = get(base + "/status/api/summary.json", Map.of());
            assertThat(without.statusCode()).isEqualTo(401);
            assertThat(without.body()).contains("needs its token").doesNotContain(TOKEN);
            assertThat(get(base + "/status/api/summary.json", Map.of("Authorization", "Bearer wrong")).statusCode())
                    .isEqualTo(401);
            HttpResponse<String> bearer = get(base + "/status/api/summary.json",
                    Map.of("Authorization", "Bearer " + TOKEN));
            assertThat(bearer.statusCode()).isEqualTo(200);
            assertThat(bearer.body()).doesNotContain(TOKEN);
            HttpResponse<String> byAddress = get(base + "/status/?token=" + TOKEN, Map.of());
            assertThat(byAddress.statusCode()).isEqualTo(303);
            assertThat(byAddress.headers().firstValue("Location")).contains("/status/");
            assertThat(byAddress.headers().firstValue("Set-Cookie").orElseThrow()).contains("HttpOnly")
                    .doesNotContain(TOKEN);

            try (Chromium chromium = Chromium.start()) {
                ChromeDriver browser = chromium.driver();
                browser.get(base + "/status/?token=" + TOKEN);
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                        browser.findElement(By.id("completed")).getText()).as("the shoe").isEqualTo("1"));
                assertThat(browser.getCurrentUrl()).isEqualTo(base + "/status/");
                assertThat(browser.getPageSource()).doesNotContain(TOKEN);
                chromium.screenshot("status-page-with-token");
            }
            assertThat(runtime.log()).doesNotContain(TOKEN);
        } finally {
            runtime.close();
        }
    }

    static HttpResponse<String> get(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
