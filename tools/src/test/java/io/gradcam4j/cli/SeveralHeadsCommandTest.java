package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.keras.KerasH5Writer;
import io.gradcam4j.keras.KerasLayers;
import io.gradcam4j.keras.KerasModel;
import io.gradcam4j.keras.KerasOrigin;
import io.gradcam4j.keras.ModelConfigReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model with two inputs and two outputs, small enough to compute by hand, through the command
 * line: an image x (4 x 4 x 1) and a metadata vector m (2); conv = ReLU(w_k x + b_k) with two
 * channels, g = its global average, h = [g0, g1, m0, m1]; the head {@code label} = sigmoid(u . h + c)
 * (one unit: a binary classifier) and the head {@code box} = V h + d (a regression of two units).
 * Grad-CAM at conv of the label's class 1 is ReLU(sum_k (u_k / 16) A_k), of class 0 its negation's.
 */
class SeveralHeadsCommandTest {
    private static final float[] W = {1f, -1f};
    private static final float[] B = {0f, 0f};
    private static final float[] U = {1f, -2f, 0.5f, 0.25f};
    private static final float C = 0.1f;
    private static final float[][] V = {{0.5f, 1f, -1f, 2f}, {-0.25f, 0f, 1f, 1f}};
    private static final float[] D = {0.2f, -0.3f};
    private static final float[] X = {1f, -2f, 0.5f, 0f, -1f, 3f, -0.5f, 2f, 0.25f, -3f, 1.5f, -1.5f, 2.5f, 0f, -0.75f, 1f};
    private static final float[] M = {0.4f, -1.2f};

    @TempDir
    static Path tmp;
    static Path model;
    static Path image;
    static Path meta;

    private static final String CONFIG = """
            {"class_name": "Functional", "config": {"name": "two_by_two", "layers": [
              {"class_name": "InputLayer", "name": "image", "inbound_nodes": [],
               "config": {"name": "image", "batch_input_shape": [null, 4, 4, 1], "dtype": "float32"}},
              {"class_name": "InputLayer", "name": "meta", "inbound_nodes": [],
               "config": {"name": "meta", "batch_input_shape": [null, 2], "dtype": "float32"}},
              {"class_name": "Conv2D", "name": "conv", "inbound_nodes": [[["image", 0, 0, {}]]],
               "config": {"name": "conv", "filters": 2, "kernel_size": [1, 1], "strides": [1, 1], "padding": "valid",
                          "activation": "relu", "use_bias": true}},
              {"class_name": "GlobalAveragePooling2D", "name": "gap", "inbound_nodes": [[["conv", 0, 0, {}]]],
               "config": {"name": "gap"}},
              {"class_name": "Concatenate", "name": "joined", "inbound_nodes": [[["gap", 0, 0, {}], ["meta", 0, 0, {}]]],
               "config": {"name": "joined", "axis": -1}},
              {"class_name": "Dense", "name": "label", "inbound_nodes": [[["joined", 0, 0, {}]]],
               "config": {"name": "label", "units": 1, "activation": "sigmoid", "use_bias": true}},
              {"class_name": "Dense", "name": "box", "inbound_nodes": [[["joined", 0, 0, {}]]],
               "config": {"name": "box", "units": 2, "activation": "linear", "use_bias": true}}],
             "input_layers": [["image", 0, 0], ["meta", 0, 0]],
             "output_layers": [["label", 0, 0], ["box", 0, 0]]}}
            """;

    @BeforeAll
    static void saveModel() throws IOException {
        Map<String, List<Tensor>> weights = Map.of(
                "conv", List.of(Tensor.of(W.clone(), 1, 1, 1, 2), Tensor.of(B.clone(), 2)),
                "label", List.of(Tensor.of(U.clone(), 4, 1), Tensor.of(new float[] {C}, 1)),
                "box", List.of(Tensor.of(transpose(V), 4, 2), Tensor.of(D.clone(), 2)));
        KerasModel m = new ModelConfigReader(new KerasLayers(KerasOrigin.KERAS_2),
                name -> weights.getOrDefault(name, List.of())).readModel(new ObjectMapper().readTree(CONFIG));
        model = tmp.resolve("two_by_two.h5");
        KerasH5Writer.save(m, model);
        image = tmp.resolve("x.npy");
        Npy.write(Tensor.of(X.clone(), 1, 4, 4, 1), image);
        meta = tmp.resolve("m.npy");
        Npy.write(Tensor.of(M.clone(), 2), meta);
    }

    /** A Dense kernel is (inputs, units): V's rows are the units. */
    private static float[] transpose(float[][] v) {
        float[] k = new float[4 * 2];
        for (int unit = 0; unit < 2; unit++) {
            for (int in = 0; in < 4; in++) {
                k[in * 2 + unit] = v[unit][in];
            }
        }
        return k;
    }

    private static double[] channel(int k) {
        double[] a = new double[16];
        for (int p = 0; p < 16; p++) {
            a[p] = Math.max(W[k] * (double) X[p] + B[k], 0);
        }
        return a;
    }

    private static double[] h() {
        double[] a0 = channel(0);
        double[] a1 = channel(1);
        double g0 = 0;
        double g1 = 0;
        for (int p = 0; p < 16; p++) {
            g0 += a0[p] / 16;
            g1 += a1[p] / 16;
        }
        return new double[] {g0, g1, M[0], M[1]};
    }

    private static double labelLogit() {
        double[] h = h();
        double z = C;
        for (int i = 0; i < 4; i++) {
            z += U[i] * h[i];
        }
        return z;
    }

    private static double box(int unit) {
        double[] h = h();
        double y = D[unit];
        for (int i = 0; i < 4; i++) {
            y += V[unit][i] * h[i];
        }
        return y;
    }

    private static CliRun run(String... args) {
        return CliRun.run(args);
    }

    @Test
    void predictReportsEveryHeadWithTheHeldInput() throws IOException {
        CliRun r = run("predict", "--model", model.toString(), "--input", image.toString(), "--input",
                "meta=" + meta, "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals("label", j.get("output").asText());
        assertEquals("image", j.get("model").get("image_input").asText());
        JsonNode label = j.get("outputs").get(0);
        JsonNode box = j.get("outputs").get(1);
        assertEquals("label", label.get("name").asText());
        assertEquals("sigmoid", label.get("activation").asText());
        double p = 1 / (1 + Math.exp(-labelLogit()));
        // one unit of sigmoid: two classes, "not label" and "label"
        assertEquals(1 - p, label.get("values").get(0).asDouble(), 1e-6);
        assertEquals(p, label.get("values").get(1).asDouble(), 1e-6);
        assertEquals(-labelLogit(), label.get("logits").get(0).asDouble(), 1e-6);
        assertEquals(labelLogit(), label.get("logits").get(1).asDouble(), 1e-6);
        assertEquals("box", box.get("name").asText());
        assertEquals("none", box.get("activation").asText());
        assertEquals("[2]", box.get("shape").toString());
        assertEquals(box(0), box.get("values").get(0).asDouble(), 1e-6);
        assertEquals(box(1), box.get("values").get(1).asDouble(), 1e-6);
        assertTrue(box.get("logits") == null, "a head without activation has no logits");
        assertEquals(p, j.get("probabilities").get(1).asDouble(), 1e-6);

        CliRun text = run("predict", "--model", model.toString(), "--input", image.toString(), "--input",
                "meta=" + meta);
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("  label (sigmoid)") && text.out().contains("  box (none)"), text.out());
    }

    @Test
    void explainNamesTheHeadAndGivesBothBinaryClassesInClosedForm() throws IOException {
        Path out = tmp.resolve("label");
        CliRun r = run("explain", "--model", model.toString(), "--input", image.toString(), "--input",
                "meta=" + meta, "--class", "1,0", "--json", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals("label", j.get("output").asText());
        assertTrue(j.get("output_note").asText().contains("--output NAME|INDEX"), j.get("output_note").asText());
        assertTrue(j.get("output_note").asText().contains("label (None, 1), box (None, 2)"), j.get("output_note").asText());
        assertEquals(2, j.get("outputs").size());
        assertEquals(box(1), j.get("outputs").get(1).get("values").get(1).asDouble(), 1e-6);
        assertTrue(r.err().contains("choose another with --output"), r.err());
        assertEquals("conv", j.get("layer").get("name").asText());
        double[] a0 = channel(0);
        double[] a1 = channel(1);
        for (JsonNode t : j.get("targets")) {
            double sign = t.get("index").asInt() == 1 ? 1 : -1;
            assertEquals(sign * labelLogit(), t.get("score").asDouble(), 1e-6);
            JsonNode cam = t.get("cam");
            for (int p = 0; p < 16; p++) {
                double expected = Math.max(sign * (U[0] / 16.0 * a0[p] + U[1] / 16.0 * a1[p]), 0);
                assertEquals(expected, cam.get(p / 4).get(p % 4).asDouble(), 1e-6, "class " + t.get("index") + " cell " + p);
            }
        }
    }

    /** The regression head by index: the chosen unit's value is the score, "output". */
    @Test
    void aRegressionHeadExplainsAUnitByIndex() throws IOException {
        Path out = tmp.resolve("box");
        CliRun r = run("explain", "--model", model.toString(), "--input", image.toString(), "--input",
                "meta=" + meta, "--output", "1", "--class", "0", "--json", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals("box", j.get("output").asText());
        assertEquals("output", j.get("score").asText());
        JsonNode t = j.get("targets").get(0);
        assertEquals(box(0), t.get("score").asDouble(), 1e-6);
        double[] a0 = channel(0);
        double[] a1 = channel(1);
        for (int p = 0; p < 16; p++) {
            double expected = Math.max(V[0][0] / 16.0 * a0[p] + V[0][1] / 16.0 * a1[p], 0);
            assertEquals(expected, t.get("cam").get(p / 4).get(p % 4).asDouble(), 1e-6);
        }
    }

    @Test
    void anUnknownOutputListsTheHeads() throws IOException {
        CliRun r = run("predict", "--model", model.toString(), "--input", image.toString(), "--input",
                "meta=" + meta, "--output", "age", "--json");
        assertEquals(2, r.code());
        String error = r.json().get("error").asText();
        assertTrue(error.contains("--output age") && error.contains("label (None, 1), box (None, 2)"), error);
        assertEquals("invalid-request", r.json().get("kind").asText());
    }

    @Test
    void aMissingOrUnknownInputIsNamed() throws IOException {
        CliRun missing = run("predict", "--model", model.toString(), "--input", image.toString(), "--json");
        assertTrue(missing.code() != 0);
        String error = missing.json().get("error").asText();
        assertTrue(error.contains("'meta'") && error.contains("--input meta=X.npy"), error);

        CliRun unknown = run("predict", "--model", model.toString(), "--input", image.toString(), "--input",
                "extra=" + meta, "--json");
        assertEquals(2, unknown.code());
        String e2 = unknown.json().get("error").asText();
        assertTrue(e2.contains("no input named 'extra'") && e2.contains("image (None, 4, 4, 1), meta (None, 2)"), e2);
    }

    /** --image-input names where the image goes; the image input is then the one without a value. */
    @Test
    void theImageInputCanBeNamed() throws IOException {
        CliRun named = run("predict", "--model", model.toString(), "--image-input", "image", "--input", image.toString(),
                "--input", "meta=" + meta, "--output", "box", "--json");
        assertEquals(0, named.code(), named.err());
        assertEquals(box(1), named.json().get("probabilities").get(1).asDouble(), 1e-6);

        CliRun unknown = run("predict", "--model", model.toString(), "--image-input", "photo", "--input",
                image.toString(), "--input", "meta=" + meta, "--json");
        assertEquals(2, unknown.code());
        String error = unknown.json().get("error").asText();
        assertTrue(error.contains("--image-input photo") && error.contains("image (None, 4, 4, 1), meta (None, 2)"), error);

        CliRun both = run("predict", "--model", model.toString(), "--image-input", "meta", "--input", image.toString(),
                "--input", "meta=" + meta, "--json");
        assertEquals(2, both.code());
        assertTrue(both.json().get("error").asText().contains("both --image-input and given by --input"), both.out());
    }

    /** A 4 x 4 grayscale picture of small values: the label's probability stays far from 0 and 1. */
    private static final int[] PICTURE = {0, 1, 2, 3, 3, 2, 1, 0, 1, 1, 2, 2, 0, 3, 0, 3};

    /** sigmoid(u . h + c) for the picture (fed raw: an .h5 file gets no preprocessing) and the metadata M. */
    private static double pictureProbability() {
        double g0 = 0;
        double g1 = 0;
        for (int v : PICTURE) {
            g0 += Math.max(W[0] * v + B[0], 0) / 16.0;
            g1 += Math.max(W[1] * v + B[1], 0) / 16.0;
        }
        double z = C + U[0] * g0 + U[1] * g1 + U[2] * M[0] + U[3] * M[1];
        return 1 / (1 + Math.exp(-z));
    }

    private static Path picture() throws IOException {
        Path png = tmp.resolve("pictures/small.png");
        Files.createDirectories(png.getParent());
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(4, 4,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 16; i++) {
            img.getRaster().setSample(i % 4, i / 4, 0, PICTURE[i]);
        }
        javax.imageio.ImageIO.write(img, "png", png.toFile());
        return png;
    }

    /** evaluate and audit take the other inputs as explain and predict do: the probability in closed form. */
    @Test
    void evaluateAndAuditHoldTheOtherInput() throws IOException {
        Path png = picture();
        double p = pictureProbability();
        assertTrue(p > 0.6 && p < 0.95, "the case keeps away from saturation: " + p);
        CliRun evaluate = run("evaluate", "--model", model.toString(), "--input", "meta=" + meta, "--metrics",
                "deletion", "--json", "--out", tmp.resolve("evaluation").toString(), png.toString());
        assertEquals(0, evaluate.code(), evaluate.err() + evaluate.out());
        JsonNode e = evaluate.json();
        JsonNode first = e.has("results") ? e.get("results").get(0) : e;
        assertEquals(1, first.get("class").asInt(), first.toString());
        assertEquals(p, first.get("model_output").asDouble(), 1e-6, first.toString());

        Path out = tmp.resolve("audit");
        CliRun audit = run("audit", "--model", model.toString(), "--input", "meta=" + meta, "--images",
                png.getParent().toString(), "--out", out.toString(), "--json");
        assertEquals(0, audit.code(), audit.err() + audit.out());
        List<String> lines = Files.readAllLines(out.resolve("audit.jsonl"));
        JsonNode settings = new ObjectMapper().readTree(lines.get(0)).get("settings");
        assertTrue(settings.get("other_inputs").get("meta").get("sha256").asText().matches("[0-9a-f]{64}"),
                settings.toString());
        JsonNode image = new ObjectMapper().readTree(lines.get(1));
        assertEquals(1, image.get("predicted_index").asInt(), image.toString());
        assertEquals(p, image.get("confidence").asDouble(), 1e-6, image.toString());

        // without the other input, or with an image batch in its place, each says what it needs
        CliRun missing = run("evaluate", "--model", model.toString(), "--json", png.toString());
        assertTrue(missing.out().contains("--input meta=X.npy"), missing.out());
        CliRun batch = run("audit", "--model", model.toString(), "--input", image.toString(), "--images",
                png.getParent().toString(), "--out", tmp.resolve("audit2").toString(), "--json");
        assertTrue(batch.code() != 0 && batch.out().contains("audit takes image files"), batch.out());
    }

    @Test
    void layersListsTheHeadsWithoutNeedingTheOtherInputs() {
        CliRun r = run("layers", "--model", model.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Inputs: image (None, 4, 4, 1), meta (None, 2)"), r.out());
        assertTrue(r.out().contains("label (None, 1), box (None, 2)"), r.out());
    }
}
