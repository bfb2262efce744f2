package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Explanation;
import io.gradcam4j.cam.methods.Methods;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.keras.KerasH5File;
import io.gradcam4j.keras.applications.Applications;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Grad-CAM maps against the reference: the map computed from TF.js's activations A and
 * gradients dA of the top logit (testdata/applications, testdata/corpus) by the textbook formula
 * ReLU(sum_c mean(dA_c) A_c) / max, in double here, versus our GradCam on the same input.
 * Normalized maps must agree within 1e-3 (DESIGN.md).
 */
class GradCamReferenceTest {
    private static final double TOLERANCE = 1e-3;

    @TestFactory
    List<DynamicTest> gradCamMatchesTheReferenceMaps() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : List.of("mobilenet_0.25_128", "mobilenet_0.25_224", "mobilenet_1.00_224", "vgg16")) {
            Path dir = TestData.testdata("applications", name);
            tests.add(dynamicTest(name, () -> check(dir, Applications.seeded(Applications.byName(name)).graph())));
        }
        for (String name : List.of("tm_cat_dog", "mlperf_tiny_vww96_nested_mobilenet025", "fer2013_mini_xception",
                "cifar10_cnn", "potato_disease", "keras3_lenet5_mnist")) {
            Path dir = TestData.testdata("corpus", name);
            tests.add(dynamicTest(name, () -> {
                JsonNode c = new ObjectMapper().readTree(dir.resolve("case.json").toFile());
                Path model = TestData.sharedCorpus().resolve("models").resolve(c.get("file").asText());
                assumeTrue(Files.exists(model), model + " is absent; skipping");
                check(dir, KerasH5File.load(model));
            }));
        }
        return tests;
    }

    private static void check(Path dir, Graph graph) throws IOException {
        JsonNode c = new ObjectMapper().readTree(dir.resolve("case.json").toFile());
        assumeTrue(c.hasNonNull("tap_grad_logit"), "no logit gradient in " + dir);
        Tensor x = Npy.read(dir.resolve(c.get("input").get("file").asText()));
        String layer = c.get("tap").asText();
        int top = c.has("top5_by_logit") ? c.get("top5_by_logit").get(0).get("class").asInt()
                : c.get("top_class").asInt();
        Explanation e = Methods.byName("gradcam").explain(graph, x, layer, List.of(top), ScoreKind.LOGIT);
        ClassMap ours = e.maps().get(0);
        float[] expected = referenceMap(Npy.read(dir.resolve(c.get("tap_output").asText())),
                Npy.read(dir.resolve(c.get("tap_grad_logit").asText())));
        float[] got = ours.normalized().data();
        assertEquals(expected.length, got.length);
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - got[i]));
        }
        assertEquals(0, worst, TOLERANCE, dir.getFileName() + ": normalized Grad-CAM differs from the reference by "
                + worst);
    }

    /** ReLU(sum_c mean_{h,w}(g_c) a_c) / max, in double; zeros when nothing is positive. */
    static float[] referenceMap(Tensor a, Tensor g) {
        int pixels = a.dim(1) * a.dim(2);
        int channels = a.dim(3);
        double[] w = new double[channels];
        for (int p = 0; p < pixels; p++) {
            for (int ch = 0; ch < channels; ch++) {
                w[ch] += g.data()[p * channels + ch] / (double) pixels;
            }
        }
        double[] map = new double[pixels];
        double max = 0;
        for (int p = 0; p < pixels; p++) {
            double s = 0;
            for (int ch = 0; ch < channels; ch++) {
                s += w[ch] * a.data()[p * channels + ch];
            }
            map[p] = Math.max(s, 0);
            max = Math.max(max, map[p]);
        }
        float[] out = new float[pixels];
        for (int p = 0; p < pixels && max > 0; p++) {
            out[p] = (float) (map[p] / max);
        }
        return out;
    }
}
