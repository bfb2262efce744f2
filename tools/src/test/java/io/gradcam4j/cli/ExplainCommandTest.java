package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.TestData;
import io.gradcam4j.keras.KerasH5Writer;
import io.gradcam4j.keras.applications.Applications;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line end to end on a small saved model (MobileNet 0.25, 128 px, seeded weights). */
class ExplainCommandTest {
    @TempDir
    static Path tmp;
    static Path model;

    @BeforeAll
    static void saveModel() throws IOException {
        model = tmp.resolve("mobilenet.h5");
        KerasH5Writer.save(Applications.seeded(Applications.byName("mobilenet_0.25_128")), model);
    }

    private static CliRun run(String... args) {
        return CliRun.run(args);
    }

    @Test
    void explainWritesMapsOverlaysAndAJsonReport() throws IOException {
        Path outDir = tmp.resolve("out1");
        CliRun r = run("explain", "--model", model.toString(), "--preprocess", "tf", "--class", "top:2", "--json",
                "--out", outDir.toString(), TestData.testdata("images", "rgb.png").toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(FileDigest.sha256(model), j.get("model").get("sha256").asText());
        assertEquals("conv_pw_13_relu", j.get("layer").get("name").asText());
        assertEquals("[4,4,256]", j.get("layer").get("shape").toString());
        assertEquals("gradcam", j.get("method").asText());
        assertEquals("logit", j.get("score").asText());
        assertEquals(5, j.get("predictions").size());
        assertEquals(1000, j.get("probabilities").size());
        assertEquals(1000, j.get("logits").size());
        JsonNode targets = j.get("targets");
        assertEquals(2, targets.size());
        assertEquals(j.get("predictions").get(0).get("index").asInt(), targets.get(0).get("index").asInt());
        for (JsonNode t : targets) {
            assertEquals(4, t.get("cam").size());
            assertEquals(4, t.get("cam").get(0).size());
            assertTrue(Files.isRegularFile(outDir.resolve(t.get("files").get("overlay").asText())));
            assertTrue(Files.isRegularFile(outDir.resolve(t.get("files").get("heatmap").asText())));
            float[] cam = Npy.read(outDir.resolve(t.get("files").get("cam").asText())).data();
            assertEquals(t.get("cam").get(1).get(2).floatValue(), cam[1 * 4 + 2], 0f, "JSON grid = .npy map");
        }
        assertTrue(Files.isRegularFile(outDir.resolve("rgb.json")));
        assertTrue(j.get("timings_ms").get("forward").asDouble() > 0);
    }

    @Test
    void oneFailingImageDoesNotStopTheOthersAndFailsTheRun() throws IOException {
        CliRun r = run("explain", "--model", model.toString(), "--json", "--out", tmp.resolve("out2").toString(),
                TestData.testdata("images", "rgb.png").toString(),
                TestData.testdata("images", "not_an_image.png").toString(),
                TestData.testdata("images", "gray.jpg").toString());
        assertEquals(1, r.code());
        JsonNode j = r.json();
        assertEquals(2, j.get("results").size());
        assertEquals(1, j.get("failures").size());
        assertTrue(j.get("failures").get(0).get("error").asText().contains("not_an_image.png"));
    }

    @Test
    void errorsAreOneJsonObjectWithANonZeroExit() throws IOException {
        CliRun r = run("explain", "--model", model.toString(), "--layer", "conv_pw_99", "--json",
                TestData.testdata("images", "rgb.png").toString());
        assertTrue(r.code() != 0);
        String message = r.json().get("error").asText();
        assertTrue(message.contains("conv_pw_99") && message.contains("conv_pw_13_relu"), message);
        assertTrue(!r.out().contains("\tat "), "no stack trace");
    }

    @Test
    void predictAndLayersPrintJson() throws IOException {
        CliRun p = run("predict", "--model", model.toString(), "--preprocess", "tf", "--top", "3", "--json",
                TestData.testdata("images", "rgb.png").toString());
        assertEquals(0, p.code(), p.err());
        assertEquals(3, p.json().get("predictions").size());
        CliRun l = run("layers", "--model", model.toString(), "--json");
        assertEquals(0, l.code(), l.err());
        assertEquals("conv_pw_13_relu", l.json().get("gradcam_layer").asText());
        JsonNode first = l.json().get("layers").get(1);
        assertEquals("conv1", first.get("name").asText());
        assertEquals(3 * 3 * 3 * 8, first.get("params").asInt());
        assertArrayEquals(new int[] {64, 64, 8}, new ObjectMapper().convertValue(first.get("output_shape"), int[].class));
    }

    @Test
    void anApplicationNameTakesItsWeightsFromAFile() throws IOException {
        Path weights = tmp.resolve("mobilenet_weights.h5");
        KerasH5Writer.saveWeights(Applications.seeded(Applications.byName("mobilenet_0.25_128")), weights);
        String image = TestData.testdata("images", "rgb.png").toString();
        CliRun fromWeights = run("predict", "--model", "mobilenet_0.25_128", "--weights", weights.toString(), "--json",
                "--cache", tmp.resolve("empty-cache").toString(), image);
        assertEquals(0, fromWeights.code(), fromWeights.err());
        // the same weights as the saved full model, so the same classes and probabilities; ImageNet labels
        CliRun fromModel = run("predict", "--model", model.toString(), "--preprocess", "tf", "--json", image);
        JsonNode expected = fromModel.json().get("predictions");
        JsonNode actual = fromWeights.json().get("predictions");
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).get("index"), actual.get(i).get("index"));
            assertEquals(expected.get(i).get("probability"), actual.get(i).get("probability"));
        }
        int top = actual.get(0).get("index").asInt();
        assertEquals(io.gradcam4j.cam.Labels.imagenet().name(top), actual.get(0).get("label").asText());
        // a model file takes Keras 3 weights only (ConvertCommandTest); Keras 2 ones pair layers by position
        CliRun wrong = run("predict", "--model", model.toString(), "--weights", weights.toString(), "--json", image);
        assertTrue(wrong.code() != 0 && wrong.json().get("error").asText().contains("with a model file takes Keras 3 "
                + "weights"), wrong.out());
    }
}
