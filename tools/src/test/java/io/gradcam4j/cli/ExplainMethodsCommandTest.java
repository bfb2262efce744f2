package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import io.gradcam4j.keras.KerasH5File;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code explain --method ...} end to end on the bundled demo model: several methods in one run,
 * their parameters and channel weights in the JSON, refusals, batches of .npy inputs, the
 * comparison sheet and the arithmetic printed by {@code --explain-math}.
 */
class ExplainMethodsCommandTest {
    private static final Path DEMO_MODEL = TestData.projectRoot()
            .resolve("tools/src/main/resources/io/gradcam4j/demo/shapes_clean.h5");
    private static final Path SQUARE = TestData.projectRoot()
            .resolve("tools/src/main/resources/io/gradcam4j/demo/square.png");

    @TempDir
    Path tmp;

    private static CliRun run(String... args) {
        return CliRun.run(args);
    }

    @Test
    void severalMethodsWriteOneReportEachWithTheirParameters() throws IOException {
        CliRun r = run("explain", "--model", DEMO_MODEL.toString(), "--method", "gradcam,integrated-gradients,occlusion",
                "--steps", "8", "--baseline", "zero", "--window", "8", "--stride", "4", "--json", "--out",
                tmp.toString(), SQUARE.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode results = r.json().get("results");
        assertEquals(3, results.size());
        JsonNode gradcam = results.get(0);
        assertEquals("gradcam", gradcam.get("method").asText());
        JsonNode t = gradcam.get("targets").get(0);
        int channels = gradcam.get("layer").get("shape").get(2).asInt();
        assertEquals(channels, t.get("channel_weights").size(), "one alpha per channel");
        assertEquals(10, t.get("top_channels").size());
        // the top channels are the largest |alpha_k * sum A_k|, in order
        double previous = Double.POSITIVE_INFINITY;
        for (JsonNode c : t.get("top_channels")) {
            double contribution = Math.abs(c.get("contribution").asDouble());
            assertTrue(contribution <= previous);
            previous = contribution;
            assertEquals(t.get("channel_weights").get(c.get("channel").asInt()).asDouble(), c.get("weight").asDouble(), 1e-6);
        }
        JsonNode ig = results.get(1);
        assertEquals("integrated-gradients", ig.get("method").asText());
        assertEquals(8, ig.get("parameters").get("steps").asInt());
        assertEquals("zero", ig.get("parameters").get("baseline").asText());
        assertTrue(ig.get("layer").isNull(), "input-space methods have no layer");
        JsonNode igTarget = ig.get("targets").get(0);
        assertTrue(igTarget.has("completeness_gap"));
        assertEquals(8 + 2, ig.get("passes").get("forward").asInt(), "the image, 8 points, the baseline");
        assertEquals(8, ig.get("passes").get("backward").asInt());
        int side = Npy.read(tmp.resolve(igTarget.get("files").get("cam").asText())).dim(0);
        assertEquals(side, igTarget.get("cam").size(), "input-space maps at the input's resolution");
        Tensor attribution = Npy.read(tmp.resolve(igTarget.get("files").get("attribution").asText()));
        assertEquals(3, attribution.dim(3));
        JsonNode occlusion = results.get(2);
        assertEquals(8, occlusion.get("parameters").get("window").asInt());
        assertTrue(Files.isRegularFile(tmp.resolve("square.occlusion.json")));
        assertTrue(Files.isRegularFile(tmp.resolve("square.json")), "gradcam keeps its file names");
    }

    @Test
    void allMethodsMakeASheetAndSkipTheOnesThatRefuseTheModel() throws IOException {
        CliRun r = run("explain", "--model", DEMO_MODEL.toString(), "--method", "all", "--samples", "16",
                "--class", "top:2", "--out", tmp.toString(), SQUARE.toString());
        assertEquals(0, r.code(), r.err());
        BufferedImage sheet = ImageIO.read(tmp.resolve("square.methods.png").toFile());
        assertTrue(sheet.getWidth() > 23 * 150 && sheet.getHeight() > 2 * 150, sheet.getWidth() + "x" + sheet.getHeight());
    }

    @Test
    void aMethodThatCannotApplySaysWhy() {
        CliRun r = run("explain", "--model", DEMO_MODEL.toString(), "--method", "cam", "--layer", "relu2", "--json",
                "--out", tmp.toString(), SQUARE.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().contains("GlobalAveragePooling2D") && r.out().contains("pool2"), r.out());
        CliRun unknown = run("explain", "--model", DEMO_MODEL.toString(), "--method", "gradcam+++", SQUARE.toString());
        assertTrue(unknown.code() != 0);
        assertTrue(unknown.err().contains("layercam") && unknown.err().contains("integrated-gradients"), unknown.err());
    }

    @Test
    void aBatchOfInputsGivesOneReportPerItemEqualToSingleRuns() throws IOException {
        int[] shape = {3, 32, 32, 3};
        float[] data = new float[3 * 32 * 32 * 3];
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextFloat() * 255f;
        }
        Path batch = tmp.resolve("batch.npy");
        Npy.write(Tensor.of(data, shape), batch);
        CliRun r = run("explain", "--model", DEMO_MODEL.toString(), "--method", "layercam", "--input", batch.toString(),
                "--json", "--out", tmp.resolve("b").toString());
        assertEquals(0, r.code(), r.err());
        JsonNode results = r.json().get("results");
        assertEquals(3, results.size());
        Path single = tmp.resolve("one.npy");
        Npy.write(Tensor.of(data, shape).item(2), single);
        CliRun one = run("explain", "--model", DEMO_MODEL.toString(), "--method", "layercam", "--input", single.toString(),
                "--json", "--out", tmp.resolve("s").toString());
        assertEquals(0, one.code(), one.err());
        JsonNode a = results.get(2).get("targets").get(0).get("cam");
        JsonNode b = one.json().get("targets").get(0).get("cam");
        for (int i = 0; i < a.size(); i++) {
            for (int j = 0; j < a.get(i).size(); j++) {
                assertEquals(b.get(i).get(j).asDouble(), a.get(i).get(j).asDouble(), 1e-5);
            }
        }
        assertTrue(Files.isRegularFile(tmp.resolve("b").resolve("batch_2.layercam.json")));
    }

    @Test
    void explainMathPrintsTheWalkFromGradientToMap() throws IOException {
        CliRun r = run("explain", "--model", DEMO_MODEL.toString(), "--explain-math", "--out", tmp.toString(), SQUARE.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("channel weights alpha_k") && r.out().contains("ReLU(M)")
                && r.out().contains("normalised"), r.out());
        // the largest contribution printed is the first of the JSON's top channels
        JsonNode report = new ObjectMapper().readTree(tmp.resolve("square.json").toFile());
        int top = report.get("targets").get(0).get("top_channels").get(0).get("channel").asInt();
        assertTrue(r.out().matches("(?s).*\\n\\s+" + top + "\\s+.*"), r.out());
        KerasH5File.load(DEMO_MODEL).node("relu4");   // the layer the math was printed for exists
    }
}
