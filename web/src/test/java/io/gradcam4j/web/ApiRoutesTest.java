package io.gradcam4j.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every route of the API over loopback, answers checked against what they stand for. */
class ApiRoutesTest {
    private static LocalServer s;
    /** The demo model's own record, written when it was trained: classes, Grad-CAM layer, images. */
    private static JsonNode demoRecord;

    @BeforeAll
    static void start() throws Exception {
        s = new LocalServer(8);
        try (InputStream in = ApiRoutesTest.class.getResourceAsStream("/io/gradcam4j/demo/demo.json")) {
            demoRecord = new ObjectMapper().readTree(in);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    @Test
    void healthSaysOkAndTheQueue() throws Exception {
        HttpResponse<String> r = s.get("/api/health");
        assertEquals(200, r.statusCode());
        JsonNode h = LocalServer.json(r);
        assertEquals("ok", h.get("status").asText());
        assertEquals(8, h.get("capacity").asInt());
        assertEquals(0, h.get("waiting").asInt());
    }

    @Test
    void modelsListTheBundledDemosById() throws Exception {
        JsonNode models = LocalServer.json(s.get("/api/models"));
        List<String> ids = new ArrayList<>();
        models.forEach(m -> ids.add(m.get("id").asText()));
        assertEquals(List.of("demo", "demo-shortcut"), ids);
    }

    @Test
    void layersMarkTheDemoModelsGradcamLayer() throws Exception {
        JsonNode layers = LocalServer.json(s.get("/api/models/demo/layers"));
        assertEquals(demoRecord.get("gradcam_layer").asText(), layers.get("gradcam_layer").asText());
        assertEquals("InputLayer", layers.get("layers").get(0).get("class_name").asText());
        JsonNode last = layers.get("layers").get(layers.get("layers").size() - 1);
        assertEquals(demoRecord.get("classes").size(), last.get("output_shape").get(0).asInt(),
                "the last layer outputs one value per class");
    }

    @Test
    void methodsAreTheTwentyThreeOfTheReadme() throws Exception {
        JsonNode m = LocalServer.json(s.get("/api/methods"));
        assertEquals(23, m.get("methods").size());   // "Grad-CAM and 22 other methods"
        List<String> names = new ArrayList<>();
        m.get("methods").forEach(n -> names.add(n.asText()));
        assertTrue(names.containsAll(List.of("gradcam", "gradcam++", "scorecam", "integrated-gradients", "rise")), names::toString);
        assertEquals(6, m.get("colormaps").size());
    }

    @Test
    void demoImagesAreTheBundledFiles() throws Exception {
        JsonNode names = LocalServer.json(s.get("/api/demo-images"));
        assertEquals(demoRecord.get("images"), names);
        HttpResponse<byte[]> png = s.http.send(HttpRequest.newBuilder(URI.create(s.url("/api/demo-images/star.png"))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("image/png", png.headers().firstValue("Content-Type").orElse(""));
        try (InputStream in = ApiRoutesTest.class.getResourceAsStream("/io/gradcam4j/demo/star.png")) {
            assertArrayEquals(in.readAllBytes(), png.body());
        }
        assertEquals(400, s.get("/api/demo-images/..%2Fdemo.json").statusCode());
    }

    @Test
    void thePageAndItsFilesComeFromTheJarWithNothingFromElsewhere() throws Exception {
        HttpResponse<String> page = s.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<script src=\"/app.js\""), "the page loads its script from this server");
        for (String file : List.of("/", "/app.js", "/app.css")) {
            String body = s.get(file).body();
            assertTrue(!body.contains("http://") && !body.contains("https://") && !body.contains("//cdn"),
                    file + " names another site");
        }
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.startsWith("default-src 'self'"), csp);
    }

    /**
     * The report is the one {@code gradcam explain --json} prints for the same image: the command
     * line is run in its own JVM (the tools module's main class) and the two JSON documents are
     * compared field by field, the pictures the API adds aside.
     */
    @Test
    void explainAnswersTheSameReportAsTheCommandLine() throws Exception {
        Path dir = Files.createTempDirectory("gradcam-web-cli");
        Path star = dir.resolve("star.png");
        Files.write(star, LocalServer.demoImage("star.png"));
        JsonNode cli = runCli(dir, "explain", "--json", "--method", "gradcam++", "--class", "top:2",
                "--out", dir.resolve("out").toString(), star.toString());
        HttpResponse<String> r = s.explain(Files.readAllBytes(star), "star.png",
                LocalServer.fields("model", "demo", "method", "gradcam++", "class", "top:2"));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode api = LocalServer.json(r);

        assertEquals(cli.get("model"), api.get("model"));
        for (String field : List.of("layer", "method", "parameters", "score", "predictions", "probabilities", "logits", "output")) {
            assertEquals(cli.get(field), api.get(field), field);
        }
        assertEquals(2, api.get("targets").size());
        for (int i = 0; i < 2; i++) {
            JsonNode c = cli.get("targets").get(i);
            JsonNode a = api.get("targets").get(i);
            for (String field : List.of("index", "label", "score", "status", "cam", "cam_max", "channel_weights", "top_channels")) {
                assertEquals(c.get(field), a.get(field), "target " + i + " " + field);
            }
            assertTrue(a.get("overlay").asText().startsWith("data:image/png;base64,"));
            BufferedImage overlay = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(
                    a.get("overlay").asText().substring("data:image/png;base64,".length()))));
            BufferedImage original = ImageIO.read(star.toFile());
            assertEquals(original.getWidth(), overlay.getWidth());
            assertEquals(original.getHeight(), overlay.getHeight());
            BufferedImage cliOverlay = ImageIO.read(dir.resolve("out").resolve(
                    c.get("files").get("overlay").asText()).toFile());
            assertImagesEqual(cliOverlay, overlay);
        }
        assertEquals("star", api.get("predictions").get(0).get("label").asText(),
                "the demo model names the star picture");
    }

    /** Two layers, comma-separated, are fused as {@code --layer a,b} fuses them. */
    @Test
    void severalLayersAreFusedAsOnTheCommandLine() throws Exception {
        Path dir = Files.createTempDirectory("gradcam-web-cli");
        Path star = dir.resolve("star.png");
        Files.write(star, LocalServer.demoImage("star.png"));
        JsonNode cli = runCli(dir, "explain", "--json", "--layer", "relu3,relu4", "--out", dir.resolve("out").toString(),
                star.toString());
        JsonNode api = LocalServer.json(s.explain(Files.readAllBytes(star), "star.png",
                LocalServer.fields("layer", "relu3, relu4")));
        assertEquals(cli.get("layer"), api.get("layer"));
        assertEquals("relu3,relu4", api.get("layer").get("name").asText());
        assertEquals(cli.get("targets").get(0).get("cam"), api.get("targets").get(0).get("cam"));
    }

    @Test
    void aJobCanBeFollowedAndCancelled() throws Exception {
        var pending = s.http.sendAsync(s.explainRequest(LocalServer.demoImage("circle.png"), "circle.png",
                LocalServer.fields("method", "rise", "samples", "10000", "job", "slow-1")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode job = waitForProgress("slow-1");
        assertEquals("running", job.get("state").asText());
        assertEquals(10000, job.get("total").asInt());
        HttpResponse<String> cancel = s.send(HttpRequest.newBuilder(URI.create(s.url("/api/jobs/slow-1"))).DELETE());
        assertEquals(200, cancel.statusCode());
        HttpResponse<String> r = pending.get(60, TimeUnit.SECONDS);
        assertEquals(409, r.statusCode(), r.body());
        assertEquals("cancelled", LocalServer.json(r).get("kind").asText());
        assertEquals(404, s.get("/api/jobs/slow-1").statusCode(), "a finished job is forgotten");
        assertEquals(200, s.explain(LocalServer.demoImage("circle.png"), "circle.png", LocalServer.fields()).statusCode(),
                "the model thread goes on after a cancellation");
    }

    /** The job's state once its method reported its first passes. */
    private static JsonNode waitForProgress(String id) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until) {
            HttpResponse<String> r = s.get("/api/jobs/" + id);
            if (r.statusCode() == 200 && LocalServer.json(r).get("done").asLong() > 0) {
                return LocalServer.json(r);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + " reported no progress in 60 s");
    }

    static void assertImagesEqual(BufferedImage expected, BufferedImage actual) {
        assertEquals(expected.getWidth(), actual.getWidth());
        assertEquals(expected.getHeight(), actual.getHeight());
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                assertEquals(expected.getRGB(x, y) & 0xffffff, actual.getRGB(x, y) & 0xffffff, "pixel " + x + "," + y);
            }
        }
    }

    /** The command line in its own JVM, on this test's class path; its standard output as JSON. */
    static JsonNode runCli(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                "io.gradcam4j.cli.GradcamCommand"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectError(dir.resolve("cli.err").toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), () -> new String(out) + readQuietly(dir.resolve("cli.err")));
        return new ObjectMapper().readTree(out);
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
