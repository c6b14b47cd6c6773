package dev.nanobanana.camel.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.Operation;
import dev.nanobanana.emulator.RunpodEmulator;
import dev.nanobanana.emulator.FaultSpec;
import dev.nanobanana.camel.testing.Chromium;
import dev.nanobanana.camel.testing.RuntimeProcess;

/**
 * The status page and the contact sheet as a user meets them: the runtime run from its jar against an emulator, a
 * batch with a job RunPod fails, a 429 answered with a retry and a prompt full of HTML, then the page and the sheet
 * opened in headless Chromium.
 */
class StatusPageIT {

    static final String API_KEY = "rpa_status-page-test-KEY-9f3c1d";
    static final String XSS_PROMPT = "<script>alert(1)</script><img src=x onerror=\"alert(2)\">";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path home;
    static RunpodEmulator emulator;
    static RuntimeProcess runtime;
    static String base;

    @BeforeAll
    static void runABatch() throws Exception {
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withApiKey(API_KEY)
                .withLatency(Duration.ofMillis(300)).withRunsyncWait(Duration.ofSeconds(5)));
        FaultSpec.parse("runsync=429;retry-after=1").forEach(f -> emulator.inject(f.operation(), f.fault()));
        runtime = new RuntimeProcess(home, Map.of(
                "RUNPOD_API_KEY", API_KEY,
                "NANOBANANA_ENDPOINT_URL", emulator.endpointUrl(),
                "NANOBANANA_RETRY_INITIAL_DELAY", "200"));
        runtime.start();
        // the port the runtime took (port 0): a port chosen beforehand may be taken by then
        base = "http://127.0.0.1:" + StatusPageExposedIT.listening(runtime);
        runtime.drop("batch.json", """
                {"jobs": [
                  {"id": "shoe", "prompt": "Make the shoe yellow", "images": ["https://example.com/shoe.jpg"]},
                  {"id": "mug", "prompt": "Put the mug on marble", "images": ["https://example.com/mug.jpg"],
                   "resolution": "2k"},
                  {"id": "html-prompt", "prompt": %s, "images": ["https://example.com/x.jpg"]},
                  {"id": "broken", "prompt": "Anything", "images": ["https://example.invalid/missing.png"]}
                ]}
                """.formatted(JSON.writeValueAsString(XSS_PROMPT)));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
            JsonNode counts = summary().path("counts");
            assertThat(counts.path("completed").asLong()).as(runtime.log()).isEqualTo(3);
            assertThat(counts.path("failed").asLong()).isEqualTo(1);
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void thePageShowsTheCountsTheSpendEveryImageAndTheFailedJobsReason() throws Exception {
        try (Chromium chromium = Chromium.start()) {
            ChromeDriver browser = chromium.driver();
            browser.get(base + "/status/");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(browser.findElement(By.id("completed")).getText()).isEqualTo("3"));

            assertThat(browser.findElement(By.id("failed")).getText()).isEqualTo("1");
            assertThat(browser.findElement(By.id("waiting")).getText()).isEqualTo("0");
            assertThat(browser.findElement(By.id("in-flight")).getText()).isEqualTo("0");
            // two 1k jobs and one 2k job, each paid once although the first submit met a 429
            assertThat(emulator.requests(Operation.RUNSYNC)).hasSize(5);
            assertThat(browser.findElement(By.id("spend-today")).getText()).isEqualTo("$0.305");
            assertThat(browser.findElement(By.id("spend-total")).getText()).isEqualTo("$0.305");
            List<WebElement> images = browser.findElements(By.cssSelector("#tiles img"));
            assertThat(images).hasSize(3);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(images)
                    .allSatisfy(image -> assertThat(naturalWidth(browser, image)).isPositive()));
            assertThat(browser.findElement(By.cssSelector("#failures tr[data-job=broken] .reason")).getText())
                    .contains("RunPod reports the job FAILED")
                    .contains("Invalid image URL in images array: https://example.invalid/missing.png");
            assertThat(browser.findElements(By.cssSelector("#chart rect"))).isNotEmpty();

            Path shot = chromium.screenshot("status-page");
            if (Boolean.getBoolean("screenshots.update-docs")) {
                // README's picture: mvn verify -Dscreenshots.update-docs=true (a CI run leaves the checkout as it was)
                Files.createDirectories(Path.of("docs"));
                Files.copy(shot, Path.of("docs", "status-page.png"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @Test
    void aPromptWithHtmlInItShowsAsTextAndRunsNothing() throws Exception {
        try (Chromium chromium = Chromium.start()) {
            ChromeDriver browser = chromium.driver();
            browser.get(base + "/status/");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(browser
                    .findElements(By.cssSelector(".tile[data-job=html-prompt] .prompt"))).isNotEmpty());

            assertThat(browser.findElement(By.cssSelector(".tile[data-job=html-prompt] .prompt")).getText())
                    .isEqualTo(XSS_PROMPT);
            assertThat(browser.findElements(By.cssSelector("#tiles script, #tiles img[src=x]"))).isEmpty();
            assertThat(alertShown(browser)).as("an alert opened").isFalse();
            chromium.screenshot("status-page-html-prompt");
        }
    }

    @Test
    void onlyTheResultsOfKnownJobsAreServedAndEverythingElseIs404() throws Exception {
        HttpResponse<byte[]> image = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/status/images/inbox/shoe"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.body()).isEqualTo(Files.readAllBytes(home.resolve("out/completed/shoe.png")));
        assertThat(get("/status/images/inbox/shoe").headers().firstValue("Content-Type")).contains("image/png");
        assertThat(get("/status/records/inbox/broken").statusCode()).as("the failed job's error record")
                .isEqualTo(200);
        HttpResponse<String> withoutSlash = get("/status");
        assertThat(withoutSlash.statusCode()).isEqualTo(303);
        assertThat(withoutSlash.headers().firstValue("Location")).contains("/status/");
        for (String path : List.of(
                "/status/images/inbox/../../config/application.properties",
                "/status/images/inbox/..%2F..%2Fconfig%2Fapplication.properties",
                "/status/images/..%2Fconfig/application.properties",
                "/status/records/inbox/..%2F..%2Fconfig%2Fapplication.properties",
                "/status/assets/..%2F..%2F..%2Fconfig%2Fapplication.properties",
                "/status/assets/index.html",
                "/status/../config/application.properties",
                "/config/application.properties",
                "/status/images/inbox/broken",
                "/status/images/inbox/no-such-job",
                "/status/images/elsewhere/shoe",
                "/status/records/inbox/no-such-job")) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).as(path).doesNotContain("nanobanana.");
        }
    }

    @Test
    void everyAnswerOfThePageTellsTheBrowserToKeepNoCopy() throws Exception {
        for (String path : List.of("/status/", "/status", "/status/assets/status.js", "/status/api/summary.json",
                "/status/images/inbox/shoe", "/status/records/inbox/shoe", "/status/records/inbox/broken",
                "/status/images/inbox/no-such-job")) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isIn(200, 303, 404);
            assertThat(response.headers().allValues("Cache-Control")).as(path).containsExactly("no-store");
        }
    }

    @Test
    void thePageItsJsonAndTheRecordsItServesHoldNoApiKeyNorSignature() throws Exception {
        try (Chromium chromium = Chromium.start()) {
            ChromeDriver browser = chromium.driver();
            browser.get(base + "/status/");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(browser.findElement(By.id("completed")).getText()).isEqualTo("3"));
            assertThat(browser.getPageSource()).doesNotContain(API_KEY);
        }
        for (String path : List.of("/status/", "/status/api/summary.json", "/status/assets/status.js",
                "/status/records/inbox/shoe", "/status/records/inbox/broken")) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.body()).as(path).doesNotContain(API_KEY).doesNotContainIgnoringCase("X-Amz-");
            assertThat(response.headers().map().toString()).as(path).doesNotContain(API_KEY);
        }
        HttpResponse<String> withKey = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/status/api/summary.json"))
                .header("Authorization", "Bearer " + API_KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withKey.headers().map().toString()).as("request headers are not echoed").doesNotContain(API_KEY);
    }

    @Test
    void theContactSheetOpenedFromTheFileSystemShowsEveryImageAndTheTotals() throws Exception {
        HttpResponse<String> written = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/status/report"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
        Path sheet = home.resolve(JSON.readTree(written.body()).path("file").asText());
        assertThat(sheet.getParent()).isEqualTo(home.resolve("out"));
        assertThat(Files.readString(sheet)).contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .doesNotContain(XSS_PROMPT).doesNotContain(API_KEY);

        try (Chromium chromium = Chromium.start()) {
            ChromeDriver browser = chromium.driver();
            browser.get(sheet.toUri().toString());

            List<WebElement> images = browser.findElements(By.cssSelector(".tile img"));
            assertThat(images).hasSize(3);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(images)
                    .allSatisfy(image -> assertThat(naturalWidth(browser, image)).isPositive()));
            assertThat(browser.findElement(By.id("completed")).getText()).isEqualTo("3");
            assertThat(browser.findElement(By.id("failed")).getText()).isEqualTo("1");
            assertThat(browser.findElement(By.id("spent")).getText()).isEqualTo("$0.305");
            assertThat(browser.findElement(By.cssSelector(".failures")).getText())
                    .contains("broken").contains("Invalid image URL in images array");
            assertThat(browser.findElements(By.xpath("//*[contains(text(), '<script>alert(1)</script>')]")))
                    .isNotEmpty();
            assertThat(alertShown(browser)).isFalse();
            chromium.screenshot("contact-sheet");
        }
    }

    static JsonNode summary() throws Exception {
        return JSON.readTree(get("/status/api/summary.json").body());
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static long naturalWidth(ChromeDriver browser, WebElement image) {
        return ((Number) browser.executeScript("return arguments[0].complete ? arguments[0].naturalWidth : 0;", image))
                .longValue();
    }

    static boolean alertShown(ChromeDriver browser) {
        try {
            browser.switchTo().alert();
            return true;
        } catch (NoAlertPresentException e) {
            return false;
        }
    }
}
