package io.gradcam4j.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The page in a real headless Chromium (Debian's chromium and chromium-driver, which the web
 * module's build installs: scripts/install-browser.sh), driven as a person would: load the page,
 * pick a demo image, see the predictions, explain another class, change the method and the
 * opacity slider (by keyboard), download the overlay PNG and the map. What the browser draws and
 * writes is checked against the server's own pictures and numbers. Screenshots are kept in
 * target/browser-screenshots/.
 */
class BrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SHOTS = Path.of("target", "browser-screenshots");

    private static LocalServer s;
    private static ChromeDriver browser;
    private static Path downloads;
    private static Path profile;
    private static Path audits;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "no /usr/bin/chromium or /usr/bin/chromedriver (web/scripts/install-browser.sh installs them as root: "
                        + "apt-get install -y chromium chromium-driver); the browser tests are skipped");
        audits = AuditFixture.make();
        s = new LocalServer(8, audits);
        downloads = Files.createTempDirectory("gradcam-web-downloads");
        profile = Files.createTempDirectory("gradcam-web-chromium");
        Files.createDirectories(SHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,1000");
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (s != null) {
            s.close();
        }
        if (audits != null) {
            AuditFixture.delete(audits);
        }
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(60));
    }

    private static void screenshot(String name) throws IOException {
        Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private static List<WebElement> cards() {
        return browser.findElements(By.cssSelector("#results .card"));
    }

    @Test
    void aPersonExplainsADemoImageComparesMethodsAndDownloads() throws Exception {
        browser.get(s.url("/"));
        waiting().until(d -> d.findElement(By.id("explain")).isEnabled());
        assertEquals(List.of("demo", "demo-shortcut"), new Select(browser.findElement(By.id("model"))).getOptions()
                .stream().map(o -> o.getAttribute("value")).toList());
        assertEquals(23, new Select(browser.findElement(By.id("method"))).getOptions().size(), "every method of the CLI");
        waiting().until(d -> new Select(d.findElement(By.id("layer"))).getOptions().stream()
                .anyMatch(o -> o.getText().contains("relu4") && o.getText().contains("(suggested)")));
        screenshot("1-loaded");

        // pick a demo image: predictions and the predicted class's card appear
        browser.findElement(By.cssSelector("button.demo[data-name='star.png']")).click();
        waiting().until(d -> cards().size() == 1);
        List<WebElement> predictions = browser.findElements(By.cssSelector("#predictions button"));
        assertEquals(5, predictions.size());
        assertTrue(predictions.get(0).getText().startsWith("star (3)"), predictions.get(0).getText());
        assertTrue(cards().get(0).findElement(By.tagName("h3")).getText().startsWith("star (3) · gradcam"));
        screenshot("2-star-explained");

        // explain the second class by clicking it, with the keyboard
        String second = predictions.get(1).getText();
        predictions.get(1).sendKeys(Keys.ENTER);
        waiting().until(d -> cards().size() == 2);
        assertTrue(cards().get(0).findElement(By.tagName("h3")).getText().startsWith(second.substring(0, second.indexOf(')') + 1)),
                "the newest card is the clicked class: " + second);

        // another method, on the first class again, side by side with the others
        browser.findElement(By.cssSelector("#predictions li:first-child button")).click();
        waiting().until(d -> cards().size() == 3);
        new Select(browser.findElement(By.id("method"))).selectByValue("gradcam++");
        browser.findElement(By.id("explain")).click();
        waiting().until(d -> cards().size() == 4);
        WebElement plusPlus = cards().get(0);
        assertTrue(plusPlus.findElement(By.tagName("h3")).getText().equals("star (3) · gradcam++"),
                plusPlus.findElement(By.tagName("h3")).getText());
        screenshot("3-methods-side-by-side");

        // the overlay the browser blends equals the server's at the same opacity (0.4, the default)
        BufferedImage drawn = canvasPixels(0);
        BufferedImage server = serverOverlay("gradcam++", "3", "0.4");
        assertClose(server, drawn, "blended in the browser at 0.40");

        // the slider, by keyboard: four steps of 0.05 up re-blend every card, with no new request
        WebElement slider = browser.findElement(By.id("opacity"));
        for (int i = 0; i < 4; i++) {
            slider.sendKeys(Keys.ARROW_RIGHT);
        }
        assertEquals("0.60", browser.findElement(By.id("opacity-value")).getText());
        assertEquals(4, cards().size());
        BufferedImage reblended = canvasPixels(0);
        assertClose(serverOverlay("gradcam++", "3", "0.6"), reblended, "re-blended in the browser at 0.60");
        assertTrue(differ(drawn, reblended), "the slider changed the overlay");
        screenshot("4-opacity-0.60");

        // downloads: the overlay PNG as drawn, the map as .npy, the report
        WebElement links = plusPlus.findElement(By.className("downloads"));
        links.findElement(By.partialLinkText("overlay PNG")).click();
        Path png = waitForDownload("star.3_star.gradcam++.overlay.png");
        assertClose(reblended, ImageIO.read(png.toFile()), "the downloaded PNG");
        links.findElement(By.partialLinkText("map .npy")).click();
        Path npy = waitForDownload("star.3_star.gradcam++.cam.npy");
        Tensor cam = Npy.read(npy);
        JsonNode expected = LocalServer.json(s.explain(LocalServer.demoImage("star.png"), "star.png",
                LocalServer.fields("method", "gradcam++", "class", "3"))).get("targets").get(0).get("cam");
        assertEquals(expected.size(), cam.dim(0));
        assertEquals(expected.get(0).size(), cam.dim(1));
        for (int y = 0; y < cam.dim(0); y++) {
            for (int x = 0; x < cam.dim(1); x++) {
                assertEquals((float) expected.get(y).get(x).asDouble(), cam.data()[y * cam.dim(1) + x], "cam " + y + "," + x);
            }
        }
        links.findElement(By.partialLinkText("JSON report")).click();
        JsonNode report = io.gradcam4j.cli.Reports.JSON.readTree(waitForDownload("star.3_star.gradcam++.json").toFile());
        assertEquals(expected, report.get("targets").get(0).get("cam"));
        assertTrue(report.get("picture") == null && report.get("targets").get(0).get("overlay") == null,
                "the downloaded report is explain --json's, without the page's pictures");
    }

    /** The audit's galleries: each picture opens its explanation, with the audit's method and class. */
    @Test
    void anAuditsGalleryLinksEachImageToItsExplanation() throws Exception {
        browser.get(s.url("/"));
        waiting().until(d -> d.findElement(By.id("explain")).isEnabled());
        waiting().until(d -> d.findElement(By.id("audits-section")).isDisplayed()
                && d.findElements(By.cssSelector("#audit-galleries .gallery button")).size() == 10);
        assertEquals("/api/audits/shapes-audit/report", URI.create(browser.findElement(By.id("audit-report"))
                .getAttribute("href")).getPath());
        WebElement first = browser.findElements(By.cssSelector("#audit-galleries .gallery button")).get(0);
        String label = first.getAttribute("aria-label");   // "explain circle/000.png, predicted circle"
        String image = label.substring("explain ".length(), label.indexOf(','));
        int before = cards().size();
        first.click();
        waiting().until(d -> cards().size() == before + 1);
        String meta = cards().get(0).findElement(By.className("meta")).getText();
        assertTrue(meta.endsWith(image.substring(image.lastIndexOf('/') + 1)), meta + " names " + image);
        assertTrue(cards().get(0).findElement(By.tagName("h3")).getText().endsWith("· gradcam"),
                "explained with the audit's method");
        assertEquals(5, browser.findElements(By.cssSelector("#predictions button")).size());
        screenshot("6-audit-gallery");
    }

    /** A file chosen with the picker is explained like a demo image. */
    @Test
    void aPickedFileIsExplained() throws Exception {
        Path picked = downloads.resolveSibling(downloads.getFileName() + "-picked.png");
        Files.write(picked, LocalServer.demoImage("triangle.png"));
        browser.get(s.url("/"));
        waiting().until(d -> d.findElement(By.id("explain")).isEnabled());
        browser.findElement(By.id("image-file")).sendKeys(picked.toAbsolutePath().toString());
        waiting().until(d -> cards().size() == 1);
        assertTrue(cards().get(0).findElement(By.className("meta")).getText().endsWith(picked.getFileName().toString()));
        assertTrue(browser.findElement(By.cssSelector("#predictions button")).getText().startsWith("triangle (2)"));
        Files.delete(picked);
    }

    /** A slow method shows how far it got and stops when Cancel is pressed; the page is ready again. */
    @Test
    void aSlowMethodShowsProgressAndCanBeCancelled() throws Exception {
        browser.get(s.url("/"));
        waiting().until(d -> d.findElement(By.id("explain")).isEnabled());
        browser.findElement(By.cssSelector("button.demo[data-name='circle.png']")).click();
        waiting().until(d -> cards().size() == 1);
        new Select(browser.findElement(By.id("method"))).selectByValue("rise");
        browser.findElement(By.id("samples")).sendKeys("10000");
        browser.findElement(By.id("explain")).click();
        WebElement progress = browser.findElement(By.id("progress"));
        waiting().until(d -> progress.isDisplayed() && progress.getAttribute("value") != null
                && Double.parseDouble(progress.getAttribute("value")) > 0);
        assertEquals("10000", progress.getAttribute("max"));
        assertTrue(browser.findElement(By.id("status")).getText().matches("Explaining: .* \\d+/10000"),
                browser.findElement(By.id("status")).getText());
        screenshot("7-progress");
        browser.findElement(By.id("cancel")).click();
        waiting().until(d -> d.findElement(By.id("status")).getText().equals("Cancelled."));
        assertTrue(browser.findElement(By.id("explain")).isEnabled() && !browser.findElement(By.id("cancel")).isEnabled());
        assertEquals(1, cards().size(), "a cancelled explanation adds no card");
        assertEquals("", browser.findElement(By.id("error")).getText());
    }

    /** At twice the text size the page still shows every control in one column, nothing cut off. */
    @Test
    void readableAtTwoHundredPercent() throws Exception {
        browser.get(s.url("/"));
        waiting().until(d -> d.findElement(By.id("explain")).isEnabled());
        browser.executeScript("document.documentElement.style.fontSize = '200%'");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(640, 1000));   // 1280 px at 200 %
        long overflow = (Long) browser.executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Object wide = browser.executeScript("const w = document.documentElement.clientWidth; return [...document"
                + ".querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1).slice(0, 5)"
                + ".map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))");
        assertTrue(overflow <= 0, "the page scrolls sideways by " + overflow + " px at 200 %: " + wide);
        for (String id : List.of("model", "method", "layer", "score", "colormap", "opacity", "explain")) {
            assertTrue(browser.findElement(By.id(id)).isDisplayed(), id);
            String label = (String) browser.executeScript(
                    "const e = document.getElementById(arguments[0]); return e.labels && e.labels.length ? "
                            + "e.labels[0].textContent : (e.textContent || '')", id);
            assertTrue(!label.isBlank(), id + " has a label");
        }
        screenshot("5-zoom-200");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
    }

    /** The pixels of the overlay canvas of card {@code i} (0: the newest), as the browser holds them. */
    private static BufferedImage canvasPixels(int i) throws IOException {
        String url = (String) browser.executeScript(
                "return document.querySelectorAll('#results .card canvas.overlay')[arguments[0]].toDataURL('image/png')", i);
        return decode(url);
    }

    private static BufferedImage serverOverlay(String method, String cls, String alpha) throws Exception {
        JsonNode r = LocalServer.json(s.explain(LocalServer.demoImage("star.png"), "star.png",
                LocalServer.fields("method", method, "class", cls, "alpha", alpha)));
        return decode(r.get("targets").get(0).get("overlay").asText());
    }

    private static BufferedImage decode(String dataUrl) throws IOException {
        byte[] png = Base64.getDecoder().decode(dataUrl.substring(dataUrl.indexOf(',') + 1));
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    /** Equal within one level per channel: the browser blends in JavaScript, the server in Java. */
    private static void assertClose(BufferedImage expected, BufferedImage actual, String what) {
        assertEquals(expected.getWidth(), actual.getWidth(), what);
        assertEquals(expected.getHeight(), actual.getHeight(), what);
        int worst = 0;
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                int a = expected.getRGB(x, y);
                int b = actual.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    worst = Math.max(worst, Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff)));
                }
            }
        }
        assertTrue(worst <= 1, what + ": a channel differs by " + worst);
    }

    private static boolean differ(BufferedImage a, BufferedImage b) {
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Path waitForDownload(String name) throws InterruptedException {
        Path file = downloads.resolve(name);
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < until) {
            if (Files.isRegularFile(file) && !Files.exists(downloads.resolve(name + ".crdownload"))) {
                return file;
            }
            Thread.sleep(100);
        }
        String[] present = downloads.toFile().list();
        throw new AssertionError("no download " + name + " in 30 s; found " + String.join(", ", present == null
                ? new String[0] : present));
    }
}
