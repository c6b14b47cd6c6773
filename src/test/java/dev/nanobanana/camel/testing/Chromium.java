package dev.nanobanana.camel.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium driven by Selenium, from Debian's {@code chromium} and {@code chromium-driver} packages (which
 * {@code .ci/run} installs). A test that needs it is skipped, saying why, when they are not installed.
 */
public final class Chromium implements AutoCloseable {

    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;

    private Chromium(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Starts a browser, or skips the test when Chromium is not installed here. */
    public static Chromium start() {
        Assumptions.assumeTrue(Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER),
                "Chromium is not installed (" + BROWSER + ", " + DRIVER + "): apt-get install -y chromium "
                + "chromium-driver, as .ci/run does, to run the browser tests");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1150");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER.toString()))
                .withLogOutput(java.io.OutputStream.nullOutputStream())
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new Chromium(driver);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Saves what the browser shows to {@code target/screenshots/<name>.png}; answers the file. */
    public Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path shot = SCREENSHOTS.resolve(name + ".png");
        File taken = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(taken.toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
        return shot;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
