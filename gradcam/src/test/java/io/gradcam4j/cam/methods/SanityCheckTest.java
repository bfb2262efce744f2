package io.gradcam4j.cam.methods;

import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model-parameter randomisation test of Adebayo et al. (2018, "Sanity checks for saliency
 * maps"): a map that explains the model must change when the model's weights are replaced by
 * random ones. Here the top layer (the Dense classifier) of a small random conv net is
 * re-drawn with {@code Param.set}, then, cascading, the convolutions below it.
 */
class SanityCheckTest {
    static final String[] METHODS = {"gradcam", "saliency", "guided-backprop"};

    /** Spearman's rank correlation (average ranks for ties). */
    static double spearman(float[] a, float[] b) {
        double[] ra = ranks(a);
        double[] rb = ranks(b);
        double ma = Arrays.stream(ra).average().orElseThrow();
        double mb = Arrays.stream(rb).average().orElseThrow();
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < ra.length; i++) {
            sab += (ra[i] - ma) * (rb[i] - mb);
            saa += (ra[i] - ma) * (ra[i] - ma);
            sbb += (rb[i] - mb) * (rb[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    private static double[] ranks(float[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (p, q) -> Float.compare(v[p], v[q]));
        double[] r = new double[v.length];
        for (int i = 0; i < idx.length; ) {
            int j = i;
            while (j + 1 < idx.length && v[idx[j + 1]] == v[idx[i]]) {
                j++;
            }
            for (int m = i; m <= j; m++) {
                r[idx[m]] = (i + j) / 2.0 + 1;
            }
            i = j + 1;
        }
        return r;
    }

    @Test
    void spearmanOfKnownRankings() {
        assertEquals(1, spearman(new float[] {1, 2, 3, 4}, new float[] {10, 20, 30, 40}), 1e-12);
        assertEquals(-1, spearman(new float[] {1, 2, 3, 4}, new float[] {4, 3, 2, 1}), 1e-12);
        // ties: ranks (1.5, 1.5, 3, 4) against (1, 2, 3, 4): r = 0.9486832980505138
        assertEquals(0.9486832980505138, spearman(new float[] {0, 0, 1, 2}, new float[] {1, 2, 3, 4}), 1e-12);
    }

    private static Map<String, float[]> maps(Graph g, Tensor x, int cls) {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (String method : METHODS) {
            m.put(method, Support.explain(method, g, x, method.equals("gradcam") ? "conv2" : null, List.of(cls),
                    ScoreKind.LOGIT, MethodOptions.defaults()).maps().get(0).cam().data());
        }
        return m;
    }

    /**
     * Eight random nets (conv 3x3 3->8 relu, conv 3x3 8->8 relu, GAP, dense 8->5; 16x16x3 input),
     * the predicted class explained before and after re-drawing the weights, top layer first.
     * Spearman correlations measured (seeds 0..7):
     * <pre>
     *                      after: logits randomised   + conv2              + conv1
     *   gradcam (conv2)    -0.41 .. 0.78, mean 0.27   -0.03 .. 0.18, 0.07  -0.15 .. 0.11, 0.03
     *   saliency            0.50 .. 0.81, mean 0.66    0.43 .. 0.62, 0.53   0.42 .. 0.63, 0.53
     *   guided-backprop     0.63 .. 0.97, mean 0.85    0.53 .. 0.83, 0.62   0.29 .. 0.54, 0.35
     * </pre>
     * Grad-CAM and saliency follow the classifier; guided backpropagation barely does (it stays
     * close to an edge detector of the input, as Adebayo et al. found) and changes mostly when the
     * convolutions themselves are re-drawn. Asserted: what holds for every seed or on average with
     * a wide margin.
     */
    @Test
    void randomisingTheTopLayerChangesGradCamAndSaliency() {
        String[] layers = {"logits", "conv2", "conv1"};
        int seeds = 8;
        double[][][] rho = new double[seeds][layers.length][METHODS.length];
        for (int seed = 0; seed < seeds; seed++) {
            Random r = new Random(seed);
            NaiveNet net = new NaiveNet(16, 16, 3, 5)
                    .conv(r, "conv1", 3, 8, NaiveNet.Act.RELU, false, 0.5f, 0.1f)
                    .conv(r, "conv2", 3, 8, NaiveNet.Act.RELU, false, 0.5f, 0.1f)
                    .dense(r, 1f);
            Graph g = net.graph();
            Tensor x = Support.rand(r, -1f, 1f, 1, 16, 16, 3);
            float[] before = Support.logits(g, x);
            int cls = MethodContext.argmax(before);
            Map<String, float[]> original = maps(g, x, cls);
            Map<String, float[]> again = maps(g, x, cls);
            for (String method : METHODS) {
                assertEquals(1, spearman(original.get(method), again.get(method)), 1e-12, "control: same weights");
            }
            for (int l = 0; l < layers.length; l++) {
                float[] logitsBefore = Support.logits(g, x);
                Param kernel = g.node(layers[l]).op().params().get(0);
                kernel.set(Support.rand(r, -1f, 1f, kernel.value().shape()));
                assertTrue(Support.maxAbs(Support.toDouble(Support.logits(g, x))) > 0
                        && !Arrays.equals(logitsBefore, Support.logits(g, x)), "the folded weights follow Param.set");
                Map<String, float[]> randomised = maps(g, x, cls);
                for (int m = 0; m < METHODS.length; m++) {
                    rho[seed][l][m] = spearman(original.get(METHODS[m]), randomised.get(METHODS[m]));
                }
            }
        }
        int gradcam = 0;
        int saliency = 1;
        int guided = 2;
        for (int seed = 0; seed < seeds; seed++) {
            assertTrue(rho[seed][0][gradcam] < 0.9, "grad-cam changes with the top layer, seed " + seed);
            assertTrue(rho[seed][0][saliency] < 0.9, "saliency changes with the top layer, seed " + seed);
            for (int m = 0; m < METHODS.length; m++) {
                assertTrue(rho[seed][2][m] < 0.75, METHODS[m] + " changes once every layer is random, seed " + seed);
            }
        }
        assertTrue(mean(rho, 0, gradcam) < 0.5, "grad-cam, mean " + mean(rho, 0, gradcam));
        assertTrue(mean(rho, 0, saliency) < 0.8, "saliency, mean " + mean(rho, 0, saliency));
        assertTrue(mean(rho, 0, guided) > mean(rho, 0, saliency) + 0.1
                        && mean(rho, 0, guided) > mean(rho, 0, gradcam) + 0.3,
                "guided backpropagation is the least sensitive to the top layer: " + mean(rho, 0, guided));
        assertTrue(mean(rho, 2, guided) < mean(rho, 0, guided) - 0.3, "but follows the convolutions");
    }

    private static double mean(double[][][] rho, int layer, int method) {
        double s = 0;
        for (double[][] seed : rho) {
            s += seed[layer][method];
        }
        return s / rho.length;
    }
}
