package dev.nanobanana.camel.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import dev.nanobanana.camel.job.JobKey;
import dev.nanobanana.camel.job.JobPhase;
import dev.nanobanana.camel.pipeline.LedgerClerk;
import dev.nanobanana.camel.testing.Chromium;
import dev.nanobanana.camel.pipeline.NanoBananaRoutes;
import dev.nanobanana.camel.testing.PipelineTestSupport;
import dev.nanobanana.camel.pipeline.PipelineBeans;

/** The contact sheet a batch ends with ({@code --once} writes it with {@link ContactSheet#write(Path, Instant)}). */
class ContactSheetTest extends PipelineTestSupport {

    @Test
    void aBatchsSheetBesideTheCompletedFolderShowsItsJobsOnlyWithTheirImagesFailuresAndTotals() throws Exception {
        LedgerClerk clerk = PipelineBeans.in(context).clerk();
        drop("earlier.json", "{\"prompt\": \"an earlier batch\", \"images\": [\"https://example.com/a.jpg\"]}");
        // the ledger hears of a delivery just after its record is written
        await().atMost(WAIT).until(() -> clerk.ledger().find(new JobKey("inbox", "earlier"))
                .filter(job -> job.phase() == JobPhase.DELIVERED).isPresent());
        Instant batchStarted = Instant.now();
        drop("batch.json", """
                {"jobs": [
                  {"id": "shoe", "prompt": "Make the shoe yellow & \\"shiny\\"", "images": ["https://example.com/s.jpg"]},
                  {"id": "poster", "prompt": "<b>bold</b> poster", "images": ["https://example.com/p.jpg"],
                   "resolution": "4k", "output_format": "jpeg"},
                  {"id": "broken", "prompt": "x", "images": ["https://example.invalid/missing.png"]}
                ]}
                """);
        awaitFile(completed.resolve("poster.json"));
        awaitFile(completed.resolve("shoe.json"));
        awaitFile(failed.resolve("broken.error.json"));
        ContactSheet contactSheet = new ContactSheet(clerk.ledger());
        // the ledger hears of a failure just after its error record is written
        await().untilAsserted(() -> assertThat(Files.readString(contactSheet.write(completed, batchStarted)))
                .contains("broken"));

        Path sheet = contactSheet.write(completed, batchStarted);

        assertThat(sheet).isEqualTo(completed.getParent().resolve("report.html"));
        String html = Files.readString(sheet);
        assertThat(html).contains("src=\"completed/shoe.png\"", "src=\"completed/poster.jpeg\"",
                        "href=\"completed/shoe.json\"", "href=\"failed/broken.error.json\"",
                        "&lt;b&gt;bold&lt;/b&gt; poster", "Make the shoe yellow &amp; &quot;shiny&quot;")
                .doesNotContain("earlier", "<b>bold</b>", emulator.apiKey());
        try (Chromium chromium = Chromium.start()) {
            ChromeDriver browser = chromium.driver();
            browser.get(sheet.toUri().toString());
            List<WebElement> images = browser.findElements(By.cssSelector(".tile img"));
            assertThat(images).hasSize(2);
            await().untilAsserted(() -> assertThat(images).allSatisfy(image -> assertThat((Number) browser
                    .executeScript("return arguments[0].complete ? arguments[0].naturalWidth : 0;", image))
                    .extracting(Number::longValue).isNotEqualTo(0L)));
            assertThat(browser.findElement(By.id("completed")).getText()).isEqualTo("2");
            assertThat(browser.findElement(By.id("failed")).getText()).isEqualTo("1");
            assertThat(browser.findElement(By.id("spent")).getText()).as("1k and 4k").isEqualTo("$0.2625");
            assertThat(browser.findElement(By.cssSelector(".tile:nth-of-type(2) .prompt")).getText())
                    .isEqualTo("<b>bold</b> poster");
            chromium.screenshot("contact-sheet-of-a-batch");
        }
    }
}
