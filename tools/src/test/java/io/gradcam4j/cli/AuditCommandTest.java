package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gradcam audit} on the demo model and a small folder of its images in class folders,
 * with masks written here: its figures recomputed from the maps and masks it wrote (bilinear
 * upsampling and the share written out again below, not the audit's code), its summary from its
 * per-image rows, and what it does with careless and damaged input.
 */
class AuditCommandTest {
    private static final List<String> SHAPES = List.of("circle", "square", "triangle", "star", "cross");

    @TempDir
    Path tmp;
    Path data;
    Path masks;

    /** Two copies of each demo image; masks: the left half for 000, the top-left quarter for 001. */
    @BeforeEach
    void folder() throws IOException {
        data = tmp.resolve("data");
        masks = tmp.resolve("masks");
        for (String shape : SHAPES) {
            Files.createDirectories(data.resolve(shape));
            Files.createDirectories(masks.resolve(shape));
            for (String n : List.of("000", "001")) {
                try (InputStream in = getClass().getResourceAsStream(ModelLoader.DEMO_RESOURCE + shape + ".png")) {
                    Files.copy(in, data.resolve(shape).resolve(n + ".png"));
                }
            }
            writeMask(masks.resolve(shape).resolve("000.png"), 128, 128, 0, 0, 64, 128);
            writeMask(masks.resolve(shape).resolve("001.png"), 128, 128, 0, 0, 64, 64);
        }
    }

    private static void writeMask(Path file, int w, int h, int x0, int y0, int x1, int y1) throws IOException {
        BufferedImage m = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                m.getRaster().setSample(x, y, 0, 255);
            }
        }
        ImageIO.write(m, "png", file.toFile());
    }

    private CliRun audit(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("audit", "--images", data.toString(), "--masks", masks.toString(),
                "--out", out.toString(), "--json"));
        args.addAll(List.of(more));
        return CliRun.run(args.toArray(String[]::new));
    }

    @Test
    void figuresFollowFromTheMapsAndMasksItWrote() throws IOException {
        Path out = tmp.resolve("audit");
        CliRun r = audit(out);
        assertEquals(0, r.code(), r.err());
        JsonNode report = CliRun.MAPPER.readTree(out.resolve("audit.json").toFile());
        JsonNode images = report.get("images");
        assertEquals(10, images.size());
        int correct = 0;
        double onObjectSum = 0;
        for (JsonNode i : images) {
            String name = i.get("image").asText();
            String shape = name.substring(0, name.indexOf('/'));
            assertEquals(shape, i.get("true_label").asText());
            assertEquals(i.get("true_label").asText().equals(i.get("predicted_label").asText()),
                    i.get("correct").asBoolean());
            correct += i.get("correct").asBoolean() ? 1 : 0;
            // the share recomputed from the written map and the mask
            Tensor map = Npy.read(out.resolve(i.get("map").asText()));
            boolean[] mask = readMask(masks.resolve(name));
            double expected = onObjectShare(map, mask, 128, 128);
            assertEquals(expected, i.get("on_object").asDouble(), 1e-4, name);
            onObjectSum += expected;
        }
        JsonNode s = report.get("summary");
        assertEquals(correct / 10.0, s.get("accuracy").asDouble(), 1e-12);
        assertEquals(onObjectSum / 10, s.get("mean_on_object").asDouble(), 1e-4);
        int confusionTotal = 0;
        for (JsonNode row : s.get("confusion")) {
            for (JsonNode v : row) {
                confusionTotal += v.asInt();
            }
        }
        assertEquals(10, confusionTotal);
        assertEquals(5, s.get("per_class").size());
        // the CSV holds the same rows, and --json printed the summary
        List<String> csv = Files.readAllLines(out.resolve("audit.csv"));
        assertEquals(11, csv.size());
        assertTrue(csv.get(0).startsWith("image,true_label,predicted_label,confidence,correct,on_object,pointing_hit"));
        assertEquals(s, CliRun.MAPPER.readTree(r.out()));
        // provenance enough to reproduce it
        JsonNode p = report.get("provenance");
        for (String key : List.of("model_sha256", "gradcam4j", "method", "layers", "score", "kernels", "jvm", "date")) {
            assertTrue(p.hasNonNull(key), key);
        }
        assertEquals(64, p.get("model_sha256").asText().length());
    }

    @Test
    void theReportOpensOfflineWithItsGalleries() throws IOException {
        Path out = tmp.resolve("audit");
        assertEquals(0, audit(out, "--gallery", "3").code());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("Confusion matrix") && html.contains("Per class"), "sections");
        assertTrue(html.contains("data:image/jpeg;base64,"), "pictures embedded");
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("<script"),
                "nothing to fetch, nothing to run");
        int pictures = html.split("data:image/jpeg;base64,", -1).length - 1;
        assertTrue(pictures >= 1 && pictures <= 6, pictures + " pictures for two galleries of at most 3");
    }

    @Test
    void anInterruptedAuditResumesWhereItStopped() throws IOException {
        Path out = tmp.resolve("audit");
        assertEquals(0, audit(out).code());
        JsonNode whole = CliRun.MAPPER.readTree(out.resolve("audit.json").toFile());
        // as if stopped after 4 images, the 5th line torn in half
        Path journal = out.resolve(AuditJournal.FILE);
        List<String> lines = Files.readAllLines(journal);
        Files.write(journal, lines.subList(0, 5));
        Files.writeString(journal, lines.get(5).substring(0, 20), java.nio.file.StandardOpenOption.APPEND);
        CliRun again = audit(out);
        assertEquals(2, again.code(), "an existing audit is not overwritten without --resume");
        assertTrue(again.json().get("error").asText().contains("--resume"));
        CliRun resumed = audit(out, "--resume");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("resuming: 4 of 10"), resumed.err());
        JsonNode after = CliRun.MAPPER.readTree(out.resolve("audit.json").toFile());
        assertEquals(whole.get("summary"), after.get("summary"));
        assertEquals(whole.get("images").size(), after.get("images").size());
        CliRun other = audit(out, "--resume", "--method", "gradcam++");
        assertEquals(2, other.code());
        assertTrue(other.json().get("error").asText().contains("other settings"));
    }

    @Test
    void carelessAndDamagedInputIsReportedAndTheRestGoesOn() throws IOException {
        Path out = tmp.resolve("audit");
        writeMask(masks.resolve("square/000.png"), 64, 64, 0, 0, 32, 64);      // half the size
        writeMask(masks.resolve("square/001.png"), 128, 128, 0, 0, 0, 0);      // no object
        Files.delete(masks.resolve("star/001.png"));                             // missing
        Files.writeString(data.resolve("circle/broken.png"), "not a png");
        Files.createDirectories(data.resolve("hexagon"));
        Files.copy(data.resolve("star/000.png"), data.resolve("hexagon/000.png"));
        CliRun r = audit(out);
        assertEquals(1, r.code(), "a failed image makes the exit code 1");
        assertTrue(r.err().contains("hexagon") && r.err().contains("no class"), r.err());
        JsonNode report = CliRun.MAPPER.readTree(out.resolve("audit.json").toFile());
        Map<String, JsonNode> byName = new HashMap<>();
        report.get("images").forEach(i -> byName.put(i.get("image").asText(), i));
        assertEquals(11, byName.size(), "every readable image audited");
        assertTrue(byName.get("square/000.png").get("object").asText().contains("resized from 64x64"));
        assertTrue(byName.get("square/000.png").hasNonNull("on_object"));
        assertTrue(byName.get("square/001.png").get("object").asText().startsWith("empty-mask"));
        assertTrue(byName.get("square/001.png").get("on_object").isNull());
        assertTrue(byName.get("star/001.png").get("object").asText().startsWith("no-mask"));
        assertTrue(byName.get("hexagon/000.png").get("true_label").isNull());
        assertTrue(byName.get("hexagon/000.png").get("correct").isNull());
        JsonNode failures = report.get("failures");
        assertEquals(1, failures.size());
        assertEquals("circle/broken.png", failures.get(0).get("image").asText());
        assertEquals("damaged-input", failures.get(0).get("kind").asText());
        assertEquals(1, report.get("unknown_class_folders").get("hexagon").asInt());
        assertFalse(Files.readString(out.resolve("audit.json")).contains("NaN"));
    }

    @Test
    void optionsAreCheckedBeforeAnyWork() throws IOException {
        Path out = tmp.resolve("audit");
        CliRun both = audit(out, "--boxes", tmp.resolve("b.csv").toString());
        assertEquals(2, both.code());
        assertTrue(both.json().get("error").asText().contains("not both"));
        CliRun classes = audit(out, "--classes", "best");
        assertTrue(classes.json().get("error").asText().contains("predicted or true"));
        CliRun methods = audit(out, "--method", "gradcam,xgradcam");
        assertTrue(methods.json().get("error").asText().contains("one method at a time"));
        Files.writeString(tmp.resolve("bad.csv"), "file,x0,y0,x1,y1\ncircle/000.png,1,2,three,4\n");
        CliRun csv = CliRun.run("audit", "--images", data.toString(), "--boxes", tmp.resolve("bad.csv").toString(),
                "--out", out.toString(), "--json");
        assertTrue(csv.json().get("error").asText().contains("line 2"), csv.out());
        assertTrue(Files.notExists(out.resolve("audit.jsonl")), "nothing started");
        Path empty = Files.createDirectories(tmp.resolve("empty/square"));
        CliRun none = CliRun.run("audit", "--images", empty.getParent().toString(), "--out", out.toString(), "--json");
        assertEquals(2, none.code());
        assertTrue(none.json().get("error").asText().contains("holds no JPEG or PNG image"), none.out());
    }

    @Test
    void boxesGiveTheObjectToo() throws IOException {
        Path out = tmp.resolve("audit");
        Files.writeString(tmp.resolve("boxes.csv"), "file,x0,y0,x1,y1\ncircle/000.png,0,0,64,128\n000.png,0,0,128,128\n");
        CliRun r = CliRun.run("audit", "--images", data.toString(), "--boxes", tmp.resolve("boxes.csv").toString(),
                "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode report = CliRun.MAPPER.readTree(out.resolve("audit.json").toFile());
        for (JsonNode i : report.get("images")) {
            String name = i.get("image").asText();
            if (name.equals("circle/000.png")) {
                Tensor map = Npy.read(out.resolve(i.get("map").asText()));
                boolean[] left = new boolean[128 * 128];
                for (int k = 0; k < left.length; k++) {
                    left[k] = k % 128 < 64;
                }
                assertEquals(onObjectShare(map, left, 128, 128), i.get("on_object").asDouble(), 1e-4);
            } else if (name.endsWith("/000.png")) {
                assertEquals(1.0, i.get("on_object").asDouble(), 1e-9, "the whole image is the box: " + name);
            } else {
                assertTrue(i.get("on_object").isNull() && i.get("object").asText().startsWith("no-box"), name);
            }
        }
        assertNotNull(report.get("summary").get("pointing_game"));
    }

    @Test
    void faithfulnessFiguresPerImageAndTheirMeans() throws IOException {
        Path out = tmp.resolve("audit");
        CliRun r = audit(out, "--metrics", "deletion,average-drop");
        assertEquals(0, r.code(), r.err());
        JsonNode report = CliRun.MAPPER.readTree(out.resolve("audit.json").toFile());
        double deletion = 0;
        for (JsonNode i : report.get("images")) {
            JsonNode m = i.get("metrics");
            assertEquals(3, m.size(), m.toString());
            double auc = m.get("deletion.auc").asDouble();
            assertTrue(auc >= 0 && auc <= 1, "an area under a probability curve: " + auc);
            deletion += auc;
            double drop = m.get("average-drop.drop").asDouble();
            assertTrue(drop >= 0 && drop <= 1, "drop " + drop);
            // one forward pass for the explanation, 21 curve points (20 steps) and 2 for average drop
            assertEquals(1 + 21 + 2, i.get("passes").get("forward").asInt());
        }
        assertEquals(deletion / 10, report.get("summary").get("metric_means").get("deletion.auc").asDouble(), 1e-12);
        assertTrue(report.get("provenance").get("metrics").has("deletion"));
        assertTrue(Files.readAllLines(out.resolve("audit.csv")).get(0).endsWith(",average-drop.drop,average-drop.increase,deletion.auc"));
        CliRun bogus = audit(tmp.resolve("other"), "--metrics", "deletion,bogus");
        assertEquals(2, bogus.code());
        assertTrue(bogus.json().get("error").asText().contains("insertion"), "lists the valid names");
    }

    private static boolean[] readMask(Path file) throws IOException {
        BufferedImage m = ImageIO.read(file.toFile());
        boolean[] in = new boolean[m.getWidth() * m.getHeight()];
        for (int i = 0; i < in.length; i++) {
            in[i] = m.getRaster().getSample(i % m.getWidth(), i / m.getWidth(), 0) != 0;
        }
        return in;
    }

    /**
     * The definition, written out again: the map resized to the image with bilinear weights at
     * half-pixel centres (edges clamped, as OpenCV's INTER_LINEAR), negative values dropped, and the
     * share of the total that lies on the mask.
     */
    static double onObjectShare(Tensor map, boolean[] mask, int width, int height) {
        int h = map.dim(0);
        int w = map.dim(1);
        float[] m = map.data();
        double inside = 0;
        double total = 0;
        for (int y = 0; y < height; y++) {
            double sy = Math.max(0, (y + 0.5) * h / height - 0.5);
            int y0 = Math.min((int) sy, h - 1);
            int y1 = Math.min(y0 + 1, h - 1);
            double fy = sy - y0;
            for (int x = 0; x < width; x++) {
                double sx = Math.max(0, (x + 0.5) * w / width - 0.5);
                int x0 = Math.min((int) sx, w - 1);
                int x1 = Math.min(x0 + 1, w - 1);
                double fx = sx - x0;
                double v = (1 - fy) * ((1 - fx) * m[y0 * w + x0] + fx * m[y0 * w + x1])
                        + fy * ((1 - fx) * m[y1 * w + x0] + fx * m[y1 * w + x1]);
                v = Math.min(1, Math.max(0, v));
                total += v;
                if (mask[y * width + x]) {
                    inside += v;
                }
            }
        }
        return inside / total;
    }
}
