package dev.nanobanana.camel.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

import dev.nanobanana.camel.testing.Chromium;
import dev.nanobanana.camel.testing.RuntimeProcess;

/**
 * What the status page lets out: on a management server that other machines can reach, a token or no page at all; to
 * a request that names another host (a web page on a name pointed at this machine), nothing; to a form posted from
 * another site, no contact sheet; and no file outside its sinks, whatever a link there points to.
 */
class StatusPageExposedIT {

    static final String TOKEN = "status-token-5b1e0c7a";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path home;

    @Test
    void beyondLoopbackWithoutATokenThePageIsRefusedAndSaysWhatToSet() throws Exception {
        RuntimeProcess runtime = new RuntimeProcess(home, Map.of("NANOBANANA_EMULATOR_ENABLED", "true"),
                "-Dcamel.management.host=0.0.0.0");
        try {
            runtime.start();
            // the port the runtime took (port 0): a port chosen beforehand may be taken by then
            int port = listening(runtime);
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
        RuntimeProcess runtime = new RuntimeProcess(home, Map.of("NANOBANANA_EMULATOR_ENABLED", "true",
                "NANOBANANA_STATUS_TOKEN", TOKEN), "-Dcamel.management.host=0.0.0.0");
        try {
            runtime.start();
            // the port the runtime took (port 0): a port chosen beforehand may be taken by then
            int port = listening(runtime);
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

    @Test
    void aRequestNamingAnotherHostIsRefusedSoThatAWebPageCannotReadThePageThroughANameOfItsOwn() throws Exception {
        RuntimeProcess runtime = new RuntimeProcess(home, Map.of("NANOBANANA_EMULATOR_ENABLED", "true",
                "NANOBANANA_STATUS_HOST_NAMES", "status.example.test, other.example.test"));
        try {
            runtime.start();
            // the port the runtime took (port 0): a port chosen beforehand may be taken by then
            int port = listening(runtime);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> get("http://127.0.0.1:" + port
                    + "/observe/health/live", Map.of()).statusCode() == 200);
            runtime.drop("shoe.json", """
                    {"prompt": "A prompt not for other sites", "images": ["https://example.com/shoe.jpg"]}
                    """);
            await().atMost(Duration.ofSeconds(30)).until(() -> runtime.count("out/completed", ".png") == 1);

            for (String host : List.of("evil.example", "evil.example:" + port, "127.0.0.1.evil.example:" + port,
                    "localhost.evil.example", "status.example.test.evil.example:" + port)) {
                for (String path : List.of("/status/", "/status/api/summary.json", "/status/images/inbox/shoe")) {
                    RawResponse refused = raw(port, "GET", path, host, Map.of());
                    assertThat(refused.status()).as(host + path).isEqualTo(421);
                    assertThat(refused.body()).as(host + path).doesNotContain("A prompt not for other sites")
                            .contains("nanobanana.status.host-names").hasLineCount(1);
                    assertThat(refused.header("Cache-Control")).as(host + path).isEqualTo("no-store");
                }
            }
            assertThat(raw(port, "POST", "/status/report", "evil.example:" + port, Map.of()).status()).isEqualTo(421);
            for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LocalHost", "[::1]:" + port,
                    "status.example.test:" + port, "Other.Example.Test")) {
                RawResponse served = raw(port, "GET", "/status/api/summary.json", host, Map.of());
                assertThat(served.status()).as(host).isEqualTo(200);
                assertThat(served.body()).as(host).contains("A prompt not for other sites");
            }
            assertThat(runtime.log()).contains("Status page request refused (421)");
        } finally {
            runtime.close();
        }
    }

    @Test
    void aFormPostedFromAnotherSiteWritesNoContactSheetWhileThePagesOwnButtonAndScriptsDo() throws Exception {
        RuntimeProcess runtime = new RuntimeProcess(home, Map.of("NANOBANANA_EMULATOR_ENABLED", "true"));
        try {
            runtime.start();
            // the port the runtime took (port 0): a port chosen beforehand may be taken by then
            int port = listening(runtime);
            String base = "http://127.0.0.1:" + port;
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> get(base + "/observe/health/live",
                    Map.of()).statusCode() == 200);

            for (Map<String, String> crossSite : List.of(
                    Map.of("Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"),
                    Map.of("Origin", "https://evil.example"),
                    Map.of("Origin", "null"),
                    Map.of("Sec-Fetch-Site", "same-site"))) {
                HttpResponse<String> refused = post(base + "/status/report", crossSite);
                assertThat(refused.statusCode()).as(crossSite.toString()).isEqualTo(403);
                assertThat(refused.body()).as(crossSite.toString())
                        .startsWith("Only the status page itself writes the contact sheet").hasLineCount(1);
            }
            assertThat(runtime.names("out", ".html")).as("no contact sheet written").isEmpty();

            assertThat(post(base + "/status/report", Map.of()).statusCode()).as("a script").isEqualTo(200);
            assertThat(post(base + "/status/report", Map.of("Origin", base, "Sec-Fetch-Site", "same-origin"))
                    .statusCode()).as("the page, as a browser posts it").isEqualTo(200);
            try (Chromium chromium = Chromium.start()) {
                ChromeDriver browser = chromium.driver();
                browser.get(base + "/status/");
                browser.findElement(By.id("write-report")).click();
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                        browser.findElement(By.id("report")).getText()).startsWith("Written to out/report-"));
            }
        } finally {
            runtime.close();
        }
    }

    @Test
    void aLinkInTheSinkToAFileOutsideIsNotServedWhileASinkFolderThatIsALinkStillIs() throws Exception {
        Path disk = Files.createDirectories(home.resolve("bigger-disk/completed"));
        Files.createDirectories(home.resolve("out"));
        Files.createSymbolicLink(home.resolve("out/completed"), disk);
        Path outside = Files.writeString(home.resolve("outside.txt"), "a file the page must not serve");
        RuntimeProcess runtime = new RuntimeProcess(home, Map.of("NANOBANANA_EMULATOR_ENABLED", "true"));
        try {
            runtime.start();
            // the port the runtime took (port 0): a port chosen beforehand may be taken by then
            int port = listening(runtime);
            String base = "http://127.0.0.1:" + port;
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> get(base + "/observe/health/live",
                    Map.of()).statusCode() == 200);
            runtime.drop("lamp.json", """
                    {"prompt": "Light the lamp", "images": ["https://example.com/lamp.jpg"]}
                    """);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> get(base
                    + "/status/records/inbox/lamp", Map.of()).statusCode() == 200);
            assertThat(get(base + "/status/images/inbox/lamp", Map.of()).statusCode())
                    .as("served from a sink folder that is a link").isEqualTo(200);

            Files.delete(disk.resolve("lamp.png"));
            Files.createSymbolicLink(disk.resolve("lamp.png"), outside);
            Files.delete(disk.resolve("lamp.json"));
            Files.createSymbolicLink(disk.resolve("lamp.json"), outside);

            for (String path : List.of("/status/images/inbox/lamp", "/status/records/inbox/lamp")) {
                HttpResponse<String> response = get(base + path, Map.of());
                assertThat(response.statusCode()).as(path).isEqualTo(404);
                assertThat(response.body()).as(path).doesNotContain("a file the page must not serve");
            }
            assertThat(get(base + "/status/api/summary.json", Map.of()).body()).contains("\"id\":\"lamp\"")
                    .doesNotContain("/status/images/inbox/lamp");
        } finally {
            runtime.close();
        }
    }

    static HttpResponse<String> post(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A request as any client can write it, Host included (Java's HTTP client will not send a Host of the caller's):
     * what a browser sends when a page on a name pointed at this machine asks.
     */
    /** The management server's port, once the runtime logs that it listens. */
    static int listening(RuntimeProcess runtime) {
        await().atMost(Duration.ofSeconds(60)).until(() -> runtime.managementUrl() != null || !runtime.isAlive());
        assertThat(runtime.managementUrl()).as("the management server listens:%n%s", runtime.log()).isNotNull();
        return URI.create(runtime.managementUrl()).getPort();
    }

    static RawResponse raw(int port, String method, String path, String host, Map<String, String> headers)
            throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host
                                                      + "\r\nConnection: close\r\nContent-Length: 0\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            OutputStream out = socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            // a char a byte, until the body is whole
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = response.indexOf("\r\n\r\n");
            String head = response.substring(0, end);
            String body = response.substring(end + 4);
            if (head.toLowerCase(Locale.ROOT).contains("\r\ntransfer-encoding: chunked")) {
                body = unchunked(body);
            }
            return new RawResponse(head, new String(body.getBytes(StandardCharsets.ISO_8859_1),
                    StandardCharsets.UTF_8));
        }
    }

    private static String unchunked(String body) {
        StringBuilder whole = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, lineEnd).split(";")[0].strip(), 16);
            if (size == 0) {
                return whole.toString();
            }
            whole.append(body, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }

    record RawResponse(String head, String body) {

        int status() {
            return Integer.parseInt(head.split(" ", 3)[1]);
        }

        String header(String name) {
            return head.lines().filter(line -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                    .map(line -> line.substring(name.length() + 1).strip()).findFirst().orElse(null);
        }
    }

    static HttpResponse<String> get(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
