package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --weights none} (an application with seeded values, as Keras's {@code weights=None}:
 * no file, no download), {@code --no-top}, {@code --pooling} and {@code --score sum|channel:K}
 * through the command line, offline. Seeded MobileNet 0.25/128 is checked against TF.js running the
 * same seeded weights (testdata/applications/mobilenet_0.25_128, tools/reference/applications.js).
 */
class ApplicationOptionsCommandTest {
    @TempDir
    Path tmp;

    private static final Path SEEDED = TestData.testdata("applications", "mobilenet_0.25_128");

    @Test
    void layersWithoutWeightsCountEveryLayersParametersAsTfjsListsThem() throws IOException {
        CliRun r = CliRun.run("layers", "--model", "mobilenet_0.25_128", "--weights", "none", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertTrue(j.get("model").get("sha256").isNull(), "no weights file, no hash");
        assertTrue(j.get("model").get("source").asText().contains("--weights none"), j.get("model").toString());
        Map<String, Long> params = new HashMap<>();
        for (JsonNode l : j.get("layers")) {
            params.put(l.get("name").asText(), l.get("params").asLong());
        }
        JsonNode ref = new ObjectMapper().readTree(SEEDED.resolve("case.json").toFile());
        int checked = 0;
        for (JsonNode layer : ref.get("layers_with_weights")) {
            long expected = 0;
            for (JsonNode w : layer.get("weights")) {   // "kernel [3,3,3,8]"
                long n = 1;
                for (JsonNode d : new ObjectMapper().readTree(w.asText().substring(w.asText().indexOf('[')))) {
                    n *= d.asLong();
                }
                expected += n;
            }
            assertEquals(expected, params.get(layer.get("layer").asText()), layer.get("layer").asText());
            checked++;
        }
        assertEquals(55, checked);
    }

    @Test
    void explainWithoutWeightsGivesTfjsSeededPredictions() throws IOException {
        CliRun r = CliRun.run("explain", "--model", "mobilenet_0.25_128", "--weights", "none", "--input",
                SEEDED.resolve("input.npy").toString(), "--json", "--out", tmp.toString());
        assertEquals(0, r.code(), r.err());
        float[] expected = Npy.read(SEEDED.resolve("output.npy")).data();
        JsonNode got = r.json().get("probabilities");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - got.get(i).asDouble()));
        }
        assertTrue(worst <= 1e-5, "probabilities differ from TF.js's by " + worst);
    }

    @Test
    void benchRunsWithoutWeights() throws IOException {
        CliRun r = CliRun.run("bench", "--model", "mobilenet_0.25_128", "--weights", "none", "--repeat", "1",
                "--warmup", "0", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals("conv_pw_13_relu", r.json().get("gradcam_layer").asText());
        assertTrue(r.json().get("forward_ms").get("median").asDouble() > 0);
    }

    /** The seeded model without its top: features, explained by their sum or one channel's. */
    @Test
    void aModelWithoutItsTopIsExplainedByItsFeatures() throws IOException {
        CliRun sum = CliRun.run("explain", "--model", "mobilenet_0.25_128", "--no-top", "--weights", "none", "--input",
                SEEDED.resolve("input.npy").toString(), "--score", "sum", "--json", "--out", tmp.toString());
        assertEquals(0, sum.code(), sum.err());
        JsonNode j = sum.json();
        assertEquals("sum", j.get("score").asText());
        assertEquals("conv_pw_13_relu", j.get("layer").get("name").asText());
        // the tap is the output: the gradient of the sum is one everywhere, so the map is the channels' sum
        float[] features = Npy.read(SEEDED.resolve("tap_output.npy")).data();
        JsonNode cam = j.get("targets").get(0).get("cam");
        double total = 0;
        for (int p = 0; p < 16; p++) {
            double s = 0;
            for (int k = 0; k < 256; k++) {
                s += features[p * 256 + k];
            }
            total += s;
            assertEquals(s, cam.get(p / 4).get(p % 4).asDouble(), 1e-4 * Math.max(1, Math.abs(s)), "cell " + p);
        }
        assertEquals(total, j.get("targets").get(0).get("score").asDouble(), 1e-4 * Math.abs(total));

        CliRun channel = CliRun.run("explain", "--model", "mobilenet_0.25_128", "--no-top", "--weights", "none",
                "--input", SEEDED.resolve("input.npy").toString(), "--score", "channel:3", "--json", "--out", tmp.toString());
        assertEquals(0, channel.code(), channel.err());
        JsonNode t = channel.json().get("targets").get(0);
        assertEquals(3, t.get("index").asInt());
        for (int p = 0; p < 16; p++) {
            // d (sum of channel 3) / d A_k is 1 for k = 3 only: alpha_3 = 1, the map is channel 3 itself
            assertEquals(features[p * 256 + 3], t.get("cam").get(p / 4).get(p % 4).asDouble(), 1e-5);
        }
    }

    @Test
    void misplacedApplicationOptionsAreRefusedSayingWhy() throws IOException {
        CliRun softmax = CliRun.run("explain", "--model", "mobilenet_0.25_128", "--weights", "none", "--input",
                SEEDED.resolve("input.npy").toString(), "--score", "sum", "--json", "--out", tmp.toString());
        assertEquals(2, softmax.code());
        assertTrue(softmax.json().get("error").asText().contains("ends in a softmax"), softmax.out());

        CliRun pooling = CliRun.run("layers", "--model", "mobilenet_0.25_128", "--weights", "none", "--pooling", "avg",
                "--json");
        assertEquals(2, pooling.code());
        assertTrue(pooling.json().get("error").asText().contains("--pooling avg goes with --no-top"), pooling.out());

        CliRun channel = CliRun.run("explain", "--model", "mobilenet_0.25_128", "--no-top", "--weights", "none",
                "--input", SEEDED.resolve("input.npy").toString(), "--score", "channel:256", "--json", "--out", tmp.toString());
        assertEquals(2, channel.code());
        assertTrue(channel.json().get("error").asText().contains("has 256 channels (0..255)"), channel.out());

        CliRun file = CliRun.run("layers", "--no-top", "--json");
        assertEquals(2, file.code());
        assertTrue(file.json().get("error").asText().contains("--no-top goes with an application name"), file.out());

        CliRun classAndScore = CliRun.run("explain", "--model", "mobilenet_0.25_128", "--no-top", "--weights", "none",
                "--score", "sum", "--class", "2", "--json", "--out", tmp.toString(),
                TestData.testdata("images", "rgb.png").toString());
        assertEquals(2, classAndScore.code());
        assertTrue(classAndScore.json().get("error").asText().contains("--class does not go with --score sum"),
                classAndScore.out());
    }

    @Test
    void pooledFeaturesAreTheMeanOfTheSpatialOnes() throws IOException {
        CliRun r = CliRun.run("predict", "--model", "mobilenet_0.25_128", "--no-top", "--pooling", "avg", "--weights",
                "none", "--input", SEEDED.resolve("input.npy").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        float[] features = Npy.read(SEEDED.resolve("tap_output.npy")).data();
        JsonNode got = r.json().get("probabilities");
        assertEquals(256, got.size());
        for (int k = 0; k < 256; k++) {
            double mean = 0;
            for (int p = 0; p < 16; p++) {
                mean += features[p * 256 + k] / 16.0;
            }
            assertEquals(mean, got.get(k).asDouble(), 1e-5 * Math.max(1, Math.abs(mean)), "channel " + k);
        }
    }
}
