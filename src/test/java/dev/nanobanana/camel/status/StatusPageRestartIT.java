package dev.nanobanana.camel.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

import dev.nanobanana.camel.testing.Chromium;
import dev.nanobanana.camel.testing.RuntimeProcess;

/** The status page after the runtime was started again on the same folder and ledger. */
class StatusPageRestartIT {

    @TempDir
    Path home;

    @Test
    void afterARestartTheCountsStillShowTodaysJobsAsTheTilesAndTheSpendDo() throws Exception {
        // port 0: the runtime takes a free port at each start, and the test reads it from the log
        RuntimeProcess runtime = new RuntimeProcess(home, Map.of("NANOBANANA_EMULATOR_ENABLED", "true"),
                "-Dcamel.management.port=0");
        try {
            runtime.start();
            runtime.drop("shoe.json", """
                    {"prompt": "Make the shoe yellow", "images": ["https://example.com/shoe.jpg"]}
                    """);
            runtime.drop("mug.json", """
                    {"prompt": "Put the mug on marble", "images": ["https://example.com/mug.jpg"]}
                    """);
            await().atMost(Duration.ofSeconds(60)).until(() -> runtime.count("out/completed", ".json") == 2);
            LocalDate day = LocalDate.now(ZoneOffset.UTC);
            runtime.terminate();

            runtime.start();
            String base = "http://127.0.0.1:" + StatusPageExposedIT.listening(runtime);
            try (Chromium chromium = Chromium.start()) {
                ChromeDriver browser = chromium.driver();
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                    browser.get(base + "/status/");
                    assertThat(browser.findElements(By.cssSelector("#tiles img"))).hasSize(2);
                });
                Assumptions.assumeTrue(day.equals(LocalDate.now(ZoneOffset.UTC)), "the UTC day ended during the test");

                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(browser.findElement(By.id("completed")).getText()).isEqualTo("2"));
                assertThat(browser.findElement(By.xpath("//b[@id='completed']/following-sibling::span")).getText())
                        .isEqualTo("completed today (UTC)");
                assertThat(browser.findElement(By.id("failed")).getText()).isEqualTo("0");
                assertThat(browser.findElement(By.xpath("//b[@id='failed']/following-sibling::span")).getText())
                        .isEqualTo("failed today (UTC)");
                assertThat(browser.findElement(By.id("since")).getText()).startsWith("Running since ");
                chromium.screenshot("status-page-after-restart");
            }
        } finally {
            runtime.close();
        }
    }
}
