package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The command line on the two real files of issue 16 against TF.js (tools/reference/heads.js):
 * each head of age_gender_two_heads.h5 explained by Grad-CAM, and the genuine keras.applications
 * MobileNet 0.25 weights without their top explained as a feature extractor ({@code --score sum},
 * {@code --score channel:K}) on a real photo. Outputs within 1e-4, normalised maps within 1e-3.
 * Skipped, saying why, when ../shared/corpus is absent.
 */
class SeveralHeadsReferenceTest {
    private static final double OUTPUT_TOLERANCE = 1e-4;
    private static final double MAP_TOLERANCE = 1e-3;

    @TempDir
    Path tmp;

    private static Path corpusFile(String name) {
        Path file = TestData.sharedCorpus().resolve("models").resolve(name);
        assumeTrue(Files.exists(file), file + " is absent (../shared/corpus not beside the project); skipping");
        return file;
    }

    @Test
    void eachHeadOfTheTwoHeadModelIsExplainedAsTfjsDoes() throws IOException {
        Path model = corpusFile("age_gender_two_heads.h5");
        Path dir = TestData.testdata("corpus", "age_gender_two_heads");
        JsonNode ref = new ObjectMapper().readTree(dir.resolve("heads.json").toFile());
        for (JsonNode head : ref.get("heads")) {
            String name = head.get("name").asText();
            CliRun r = CliRun.run("explain", "--model", model.toString(), "--input", dir.resolve("input.npy").toString(),
                    "--output", name, "--json", "--out", tmp.resolve(name).toString());
            assertEquals(0, r.code(), r.err());
            JsonNode j = r.json();
            assertEquals(name, j.get("output").asText());
            assertEquals(head.get("score").asText(), j.get("score").asText());
            assertEquals(ref.get("tap").asText(), j.get("layer").get("name").asText());
            for (JsonNode reported : j.get("outputs")) {
                JsonNode expected = ref.get("heads").get(reported.get("name").asText().equals("age_output") ? 0 : 1);
                assertClose(expected.get("values"), reported.get("values"), OUTPUT_TOLERANCE, reported.get("name").asText());
            }
            JsonNode target = j.get("targets").get(0);
            assertEquals(head.get("class").asInt(), target.get("index").asInt());
            assertEquals(head.get("score_value").asDouble(), target.get("score").asDouble(),
                    OUTPUT_TOLERANCE * Math.abs(head.get("score_value").asDouble()));
            assertMapClose(dir.resolve(head.get("gradcam").asText()), target, name);
        }
    }

    @Test
    void genuineNoTopWeightsAreExplainedAsAFeatureExtractor() throws IOException {
        Path weights = corpusFile("keras_app_mobilenet_2_5_224_tf_no_top.h5");
        Path dir = TestData.testdata("applications", "mobilenet_0.25_224_no_top_genuine");
        JsonNode ref = new ObjectMapper().readTree(dir.resolve("case.json").toFile());
        for (String score : new String[] {"sum", "channel:" + ref.get("channel").asInt()}) {
            JsonNode expected = ref.get("scores").get(score);
            CliRun r = CliRun.run("explain", "--model", "mobilenet_0.25_224", "--no-top", "--weights", weights.toString(),
                    "--input", dir.resolve("input.npy").toString(), "--score", score, "--layer", ref.get("tap").asText(),
                    "--json", "--out", tmp.resolve(score.replace(':', '_')).toString());
            assertEquals(0, r.code(), r.err());
            JsonNode j = r.json();
            assertEquals(score, j.get("score").asText());
            JsonNode target = j.get("targets").get(0);
            assertEquals(score.equals("sum") ? 0 : ref.get("channel").asInt(), target.get("index").asInt());
            assertEquals(expected.get("score_value").asDouble(), target.get("score").asDouble(),
                    OUTPUT_TOLERANCE * Math.abs(expected.get("score_value").asDouble()));
            assertMapClose(dir.resolve(expected.get("gradcam").asText()), target, score);
        }
    }

    @Test
    void genuinePooledFeaturesArePredicted() throws IOException {
        Path weights = corpusFile("keras_app_mobilenet_2_5_224_tf_no_top.h5");
        Path dir = TestData.testdata("applications", "mobilenet_0.25_224_no_top_genuine");
        CliRun r = CliRun.run("predict", "--model", "mobilenet_0.25_224", "--no-top", "--pooling", "avg", "--weights",
                weights.toString(), "--input", dir.resolve("input.npy").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        float[] expected = Npy.read(dir.resolve("pooled_avg.npy")).data();
        JsonNode got = r.json().get("probabilities");   // a head without activation: its values
        assertEquals(expected.length, got.size());
        JsonNode want = new ObjectMapper().valueToTree(expected);
        assertClose(want, got, OUTPUT_TOLERANCE, "pooled features");
    }

    /** The no-top file given for the model with its top: the message says what it is and what to add. */
    @Test
    void genuineNoTopWeightsWithoutNoTopSuggestIt() throws IOException {
        Path weights = corpusFile("keras_app_mobilenet_2_5_224_tf_no_top.h5");
        CliRun r = CliRun.run("predict", "--model", "mobilenet_0.25_224", "--weights", weights.toString(), "--json",
                TestData.testdata("images", "rgb.png").toString());
        assertEquals(2, r.code(), r.out());
        JsonNode j = r.json();
        assertEquals("invalid-request", j.get("kind").asText());
        String error = j.get("error").asText();
        assertTrue(error.contains("holds weights for 54 layers but mobilenet_0.25_224 has 55") && error.contains("--no-top")
                && error.contains("include_top=False"), error);
    }

    private static void assertMapClose(Path expectedFile, JsonNode target, String what) throws IOException {
        float[] expected = Npy.read(expectedFile).data();
        JsonNode cam = target.get("cam");
        double max = target.get("cam_max").asDouble();
        int width = cam.get(0).size();
        assertEquals(expected.length, cam.size() * width, what);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double got = max > 0 ? cam.get(i / width).get(i % width).asDouble() / max : 0;
            worst = Math.max(worst, Math.abs(got - expected[i]));
        }
        assertTrue(worst <= MAP_TOLERANCE, what + ": normalised Grad-CAM differs from TF.js's by " + worst);
    }

    private static void assertClose(JsonNode expected, JsonNode got, double relative, String what) {
        assertEquals(expected.size(), got.size(), what);
        double scale = 0;
        for (JsonNode e : expected) {
            scale = Math.max(scale, Math.abs(e.asDouble()));
        }
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).asDouble(), got.get(i).asDouble(), relative * scale, what + "[" + i + "]");
        }
    }
}
