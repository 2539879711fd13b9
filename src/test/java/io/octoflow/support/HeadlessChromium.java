package io.octoflow.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium driven by Selenium: Debian's {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver}
 * (packages chromium and chromium-driver; {@code .ci/run} installs them), nothing downloaded at run time, a fresh
 * profile in a temporary directory. Missing, the test fails saying what to install; it never skips.
 * {@link #screenshot} writes {@code docs/console/<name>.png} only with {@code -Doctoflow.screenshots=true}, so
 * that ordinary runs leave the tree clean.
 */
public final class HeadlessChromium implements AutoCloseable {

    public static final Path BROWSER = Path.of("/usr/bin/chromium");
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("docs", "console");

    private final ChromeDriver driver;

    private HeadlessChromium(ChromeDriver driver) {
        this.driver = driver;
    }

    public static HeadlessChromium start(Path profile) {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            throw new AssertionError("no headless browser: " + (Files.isExecutable(BROWSER) ? DRIVER : BROWSER)
                    + " is missing. Install Debian's chromium and chromium-driver (as root: apt-get install -y"
                    + " chromium chromium-driver; .ci/run does it)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toString());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1440,1000", "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return new HeadlessChromium(driver);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Waits up to a minute (a shared, busy machine) for what the page should come to show. */
    public WebDriverWait await() {
        return new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(200));
    }

    /** {@code docs/console/<name>.png}, when {@code -Doctoflow.screenshots=true}. */
    public void screenshot(String name) {
        if (!Boolean.getBoolean("octoflow.screenshots")) {
            return;
        }
        try {
            Files.createDirectories(SCREENSHOTS);
            Path png = driver.getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(png, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
