package io.gradcam4j.cam.metrics;

import io.gradcam4j.cam.CamStatus;
import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.cam.methods.ExplainRequest;
import io.gradcam4j.cam.methods.Methods;
import io.gradcam4j.engine.GradientCheck;
import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;
import io.gradcam4j.engine.ops.BatchNorm;
import io.gradcam4j.engine.ops.BiasAdd;
import io.gradcam4j.engine.ops.Chain;
import io.gradcam4j.engine.ops.Conv2D;
import io.gradcam4j.engine.ops.GlobalPool2D;
import io.gradcam4j.engine.ops.MatMul;
import io.gradcam4j.engine.ops.Relu;
import io.gradcam4j.engine.ops.Softmax;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cascading model-parameter randomisation test on a small conv net (conv 3x3 3->8 relu,
 * batch normalization, conv 3x3 8->8 relu, global average pooling, dense 8->5 softmax; 16 x 16
 * input): Grad-CAM's map decorrelates, a map that ignores the model (an edge detector of the
 * input) fails with a correlation of 1, and the model is itself again afterwards.
 */
class ModelRandomisationTest {
    private static final int SIDE = 16;

    private static Param param(Random r, String name, float scale, int... shape) {
        return new Param(name, GradientCheck.random(r, -scale, scale, shape), true);
    }

    private static Graph net(Random r) {
        Graph.Builder b = Graph.builder();
        Node x = b.input("x");
        Node conv1 = b.add("conv1", Chain.of(new Conv2D(param(r, "kernel", 0.5f, 3, 3, 3, 8), new int[] {1, 1},
                new int[] {1, 1}, Padding.SAME), new BiasAdd(param(r, "bias", 0.1f, 8)), Relu.plain()), x);
        Node bn = b.add("bn", new BatchNorm(param(r, "gamma", 1f, 8), param(r, "beta", 0.2f, 8),
                param(r, "moving_mean", 0.2f, 8), new Param("moving_variance", MetricModels.filled(2f, 8), false),
                1e-3f, 0.99f), conv1);
        Node conv2 = b.add("conv2", Chain.of(new Conv2D(param(r, "kernel", 0.5f, 3, 3, 8, 8), new int[] {1, 1},
                new int[] {1, 1}, Padding.SAME), new BiasAdd(param(r, "bias", 0.1f, 8)), Relu.plain()), bn);
        Node gap = b.add("gap", new GlobalPool2D(GlobalPool2D.Kind.AVERAGE, false), conv2);
        Node out = b.add("predictions", Chain.of(new MatMul(param(r, "kernel", 1f, 8, 5)),
                new BiasAdd(param(r, "bias", 0.1f, 5)), new Softmax()), gap);
        return b.build(out);
    }

    private static ExplainRequest gradcamAt(String layer) {
        return ExplainRequest.of(List.of(layer), List.of(), ScoreKind.LOGIT);
    }

    /**
     * Measured (seeds 0..3), Spearman after predictions / + conv2 / + bn / + conv1 randomised:
     * 0.80 0.14 0.11 -0.06; 0.32 0.06 0.05 0.17; -0.23 -0.02 -0.10 0.10; -0.09 0.20 0.13 0.17.
     */
    @Test
    void gradCamDecorrelatesAsTheLayersAreRandomised() {
        for (int seed = 0; seed < 4; seed++) {
            Random r = new Random(seed);
            Graph g = net(r);
            Tensor x = GradientCheck.random(r, -1f, 1f, 1, SIDE, SIDE, 3);
            float[] before = g.predict(x).data();
            int cls = argmax(before);
            RandomisationReport report = ModelRandomisation.run(g, x, cls, Methods.byName("gradcam"),
                    gradcamAt("conv2"), seed);
            assertEquals(List.of("predictions", "conv2", "bn", "conv1"),
                    report.layers().stream().map(RandomisedLayer::layer).toList(), "top down, every layer with weights");
            assertEquals(8 * 5 + 5, report.layers().get(0).weights());
            assertEquals(4 * 8, report.layers().get(2).weights(), "gamma, beta, moving mean and variance");
            assertEquals(5, report.explanations());
            assertTrue(report.layers().stream().allMatch(l -> l.mapStatus().equals("ok")),
                    "real maps at every step, not empty ones counted as 0: " + report.layers());
            assertTrue(report.passed(), "seed " + seed + ": " + report.layers());
            assertTrue(report.finalSpearman() < ModelRandomisation.PASS_BELOW, report.verdict());
            assertTrue(report.verdict().startsWith("passes"), report.verdict());
            assertArrayEquals(before, g.predict(x).data(), "the model's own weights are back, bit for bit");
        }
    }

    /** The gradient magnitude of the input's first channel: it looks like a map and ignores the model. */
    private static ClassMap edges(Tensor x) {
        float[] v = x.data();
        float[] e = new float[SIDE * SIDE];
        float max = 0;
        for (int y = 0; y < SIDE; y++) {
            for (int xx = 0; xx < SIDE; xx++) {
                float dx = v[(y * SIDE + Math.min(xx + 1, SIDE - 1)) * 3] - v[(y * SIDE + Math.max(xx - 1, 0)) * 3];
                float dy = v[(Math.min(y + 1, SIDE - 1) * SIDE + xx) * 3] - v[(Math.max(y - 1, 0) * SIDE + xx) * 3];
                e[y * SIDE + xx] = (float) Math.hypot(dx, dy);
                max = Math.max(max, e[y * SIDE + xx]);
            }
        }
        for (int i = 0; i < e.length; i++) {
            e[i] /= max;
        }
        return MetricModels.map(e, SIDE, SIDE);
    }

    @Test
    void aMapThatIgnoresTheModelFailsVisibly() {
        Random r = new Random(9);
        Graph g = net(r);
        Tensor x = GradientCheck.random(r, -1f, 1f, 1, SIDE, SIDE, 3);
        RandomisationReport report = ModelRandomisation.run(g, SIDE, SIDE, 0, model -> edges(x), 1);
        for (RandomisedLayer row : report.layers()) {
            assertEquals(1, row.spearman(), 1e-12, row.layer());
            assertEquals(1, row.ssim(), 1e-12, row.layer());
        }
        assertFalse(report.passed());
        assertTrue(report.verdict().startsWith("FAILS") && report.verdict().contains("1.000"), report.verdict());
    }

    @Test
    void aMapThatVanishesCountsAsDecorrelated() {
        Random r = new Random(4);
        Graph g = net(r);
        Tensor x = GradientCheck.random(r, -1f, 1f, 1, SIDE, SIDE, 3);
        int[] calls = {0};
        RandomisationReport report = ModelRandomisation.run(g, SIDE, SIDE, 0, model -> calls[0]++ == 0 ? edges(x)
                : MetricModels.map(new float[SIDE * SIDE], SIDE, SIDE, CamStatus.ZERO_GRADIENT), 1);
        for (RandomisedLayer row : report.layers()) {
            assertEquals(0, row.spearman(), row.layer());
            assertEquals("zero-gradient", row.mapStatus());
            assertTrue(Double.isFinite(row.ssim()) && row.ssim() < 0.1, row.toString());
        }
        assertTrue(report.passed());
    }

    @Test
    void theWeightsComeBackWhenAnExplanationFails() {
        Random r = new Random(5);
        Graph g = net(r);
        Tensor x = GradientCheck.random(r, -1f, 1f, 1, SIDE, SIDE, 3);
        float[] before = g.predict(x).data();
        int[] calls = {0};
        assertThrows(IllegalStateException.class, () -> ModelRandomisation.run(g, SIDE, SIDE, 0, model -> {
            if (calls[0]++ == 2) {
                throw new IllegalStateException("explanation failed");
            }
            return edges(x);
        }, 1));
        assertArrayEquals(before, g.predict(x).data());
        UndefinedMetricException flat = assertThrows(UndefinedMetricException.class, () -> ModelRandomisation.run(g,
                SIDE, SIDE, 0, model -> MetricModels.map(new float[SIDE * SIDE], SIDE, SIDE, CamStatus.NO_POSITIVE_EVIDENCE),
                1));
        assertEquals("no-map", flat.status(), "an original map without evidence has nothing to compare");
    }

    @Test
    void freshWeightsAreKerasInitialValues() {
        SplittableRandom random = new SplittableRandom(3);
        Param kernel = new Param("block1_conv1/kernel", Tensor.zeros(3, 3, 40, 80), true);
        Tensor k = FreshWeights.of(kernel, random);
        // Glorot uniform: fan_in = 3 * 3 * 40 = 360, fan_out = 3 * 3 * 80 = 720, limit sqrt(6 / 1080)
        double limit = Math.sqrt(6.0 / 1080);
        double sumSquares = 0;
        for (float v : k.data()) {
            assertTrue(Math.abs(v) <= limit, "within the limit: " + v);
            sumSquares += v * v;
        }
        // the variance of U(-l, l) is l^2 / 3
        assertEquals(limit * limit / 3, sumSquares / k.size(), 0.03 * limit * limit / 3);
        assertEquals(360, FreshWeights.fanIn(new int[] {3, 3, 40, 80}));
        assertEquals(64, FreshWeights.fanOut(new int[] {128, 64}));
        for (Map.Entry<String, Float> e : Map.of("gamma", 1f, "moving_variance", 1f, "beta", 0f, "moving_mean", 0f,
                "bias", 0f).entrySet()) {
            Tensor t = FreshWeights.of(new Param(e.getKey(), Tensor.zeros(6), true), random);
            for (float v : t.data()) {
                assertEquals(e.getValue(), v, e.getKey());
            }
        }
        Tensor alpha = FreshWeights.of(new Param("alpha", MetricModels.filled(0.3f, 4, 4, 2), true), random);
        assertEquals(0f, alpha.data()[5], "PReLU's alpha starts at 0");
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
