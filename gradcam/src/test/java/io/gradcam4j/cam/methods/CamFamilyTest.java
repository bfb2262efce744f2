package io.gradcam4j.cam.methods;

import io.gradcam4j.cam.CamStatus;
import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Explanation;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.gradcam4j.cam.methods.Support.assertClose;
import static io.gradcam4j.cam.methods.Support.relu;
import static io.gradcam4j.cam.methods.Support.toDouble;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gradient-based CAM methods, each recomputed naively from docs/METHODS.md with the layer's
 * activation {@code A} and gradient {@code G = dS/dA} read from the engine directly
 * ({@code Graph.record} + {@code Recording.backward}), on a layer whose gradient varies over the
 * pixels (conv -> relu [layer] -> conv -> relu -> GAP -> dense). Eigen-CAM's component comes from
 * a power iteration here (the method uses EJML's SVD), and once from a closed form.
 */
class CamFamilyTest {
    private static final List<String> METHODS = List.of("gradcam", "counterfactual", "gradcam-signed", "gradcam++",
            "xgradcam", "hirescam", "gradcam-elementwise", "layercam", "eigencam", "eigengradcam");

    /** A method's map before the ReLU and its channel weights (null when it has none). */
    private record Naive(double[] map, double[] weights, boolean signed) {
    }

    @Test
    void everyGradientMethodMatchesItsDefinition() {
        Random r = new Random(3);
        NaiveNet net = new NaiveNet(9, 9, 2, 3)
                .conv(r, "conv1", 3, 4, NaiveNet.Act.RELU, false, 1f, 0.3f)
                .conv(r, "conv2", 3, 5, NaiveNet.Act.RELU, false, 1f, 0.3f)
                .dense(r, 1f);
        Graph graph = net.graph();
        Tensor x = Support.rand(r, -1f, 1f, 1, 9, 9, 2);
        float[] a = Support.record(graph, x, "conv1").value("conv1").data();
        int z = 49;
        int k = 4;
        List<Integer> classes = List.of(0, 1, 2);
        Map<String, Explanation> explained = new LinkedHashMap<>();
        for (String m : METHODS) {
            explained.put(m, Support.explain(m, graph, x, "conv1", classes, ScoreKind.LOGIT, MethodOptions.defaults()));
        }
        int drawn = 0;
        for (int slot = 0; slot < classes.size(); slot++) {
            int cls = classes.get(slot);
            float[] g = Support.logitGradients(graph, x, cls, "conv1").get("conv1").data();
            assertTrue(varies(g, z, k), "the gradient varies over the pixels: the methods differ");
            for (String method : METHODS) {
                Naive expected = naive(method, a, g, z, k);
                ClassMap m = explained.get(method).maps().get(slot);
                String what = method + ", class " + cls;
                assertEquals(cls, m.classIndex(), what);
                double[] cam = expected.signed() ? expected.map() : relu(expected.map());
                assertClose(cam, m.cam().data(), 1e-5, what + ": cam");
                assertEquals(expected.signed(), m.signed(), what);
                double max = Support.maxAbs(cam);
                if (max > 0) {
                    double[] norm = new double[cam.length];
                    for (int p = 0; p < norm.length; p++) {
                        norm[p] = cam[p] / max;
                    }
                    assertClose(norm, m.normalized().data(), 1e-5, what + ": normalized");
                    assertEquals(CamStatus.OK, m.status(), what);
                    assertEquals(max, m.maxValue(), 1e-5 * max, what);
                    drawn++;
                } else {
                    assertEquals(CamStatus.NO_POSITIVE_EVIDENCE, m.status(), what);
                }
                if (expected.weights() == null) {
                    assertNull(m.channelWeights(), what);
                } else {
                    assertClose(expected.weights(), m.channelWeights(), 1e-5, what + ": weights");
                }
            }
        }
        assertTrue(drawn >= 25, "most maps show something: " + drawn);
    }

    /**
     * Two layers (pytorch-grad-cam's aggregate_multi_layers): per layer the ReLU'd map min-max
     * scaled and resized to the input (bilinear, half-pixel centres), their mean, ReLU, min-max.
     */
    @Test
    void twoLayersAreFusedAtTheInputResolution() {
        Random r = new Random(4);
        NaiveNet net = new NaiveNet(9, 9, 2, 3)
                .conv(r, "conv1", 3, 4, NaiveNet.Act.RELU, false, 1f, 0.3f)
                .conv(r, "conv2", 3, 5, NaiveNet.Act.RELU, false, 1f, 0.3f)
                .dense(r, 1f);
        Graph graph = net.graph();
        Tensor x = Support.rand(r, -1f, 1f, 1, 9, 9, 2);
        for (String method : List.of("gradcam", "layercam")) {
            for (int cls = 0; cls < 3; cls++) {
                double[] sum = new double[81];
                String[] layers = {"conv1", "conv2"};
                for (String layer : layers) {
                    Tensor at = Support.record(graph, x, layer).value(layer);
                    float[] g = Support.logitGradients(graph, x, cls, layer).get(layer).data();
                    int h = at.dim(1);
                    double[] m = relu(naive(method, at.data(), g, h * h, at.dim(3)).map());
                    double[] up = FullGradTest.halfPixelBilinear(minMax(m), h, h, 9, 9);
                    for (int p = 0; p < 81; p++) {
                        sum[p] += up[p] / 2;
                    }
                }
                double[] expected = minMax(relu(sum));
                Explanation e = Methods.byName(method).explain(graph, x,
                        Support.request(List.of(layers), List.of(cls), ScoreKind.LOGIT, MethodOptions.defaults())).get(0);
                ClassMap m = e.maps().get(0);
                assertEquals(List.of(layers), e.layers());
                assertEquals(List.of(9, 9), List.of(m.cam().dim(0), m.cam().dim(1)));
                assertClose(expected, m.cam().data(), 1e-5, method + " fused, class " + cls);
                if (m.status() == CamStatus.OK) {
                    assertClose(Support.dividedByMax(expected), m.normalized().data(), 1e-5, "normalised");
                }
            }
        }
    }

    private static double[] minMax(double[] v) {
        double min = java.util.Arrays.stream(v).min().orElseThrow();
        double max = java.util.Arrays.stream(v).max().orElseThrow();
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = (v[i] - min) / (1e-7 + max - min);
        }
        return r;
    }

    private static Naive naive(String method, float[] a, float[] g, int z, int k) {
        double[] s = new double[k];
        double[] meanG = new double[k];
        for (int p = 0; p < z; p++) {
            for (int c = 0; c < k; c++) {
                s[c] += a[p * k + c];
                meanG[c] += g[p * k + c] / (double) z;
            }
        }
        double[] alpha = new double[k];
        double[] map = new double[z];
        switch (method) {
            case "gradcam", "gradcam-signed" -> alpha = meanG;
            case "counterfactual" -> {
                for (int c = 0; c < k; c++) {
                    alpha[c] = -meanG[c];
                }
            }
            case "gradcam++" -> {
                for (int p = 0; p < z; p++) {
                    for (int c = 0; c < k; c++) {
                        double gv = g[p * k + c];
                        double aij = gv != 0 ? gv * gv / (2 * gv * gv + s[c] * gv * gv * gv + 1e-6) : 0;
                        alpha[c] += Math.max(gv, 0) * aij;
                    }
                }
            }
            case "xgradcam" -> {
                for (int p = 0; p < z; p++) {
                    for (int c = 0; c < k; c++) {
                        alpha[c] += (double) g[p * k + c] * a[p * k + c];
                    }
                }
                for (int c = 0; c < k; c++) {
                    alpha[c] /= s[c] + 1e-7;
                }
            }
            case "hirescam", "gradcam-elementwise", "layercam" -> {
                for (int p = 0; p < z; p++) {
                    for (int c = 0; c < k; c++) {
                        double gv = g[p * k + c];
                        double av = a[p * k + c];
                        map[p] += switch (method) {
                            case "hirescam" -> gv * av;
                            case "gradcam-elementwise" -> Math.max(gv * av, 0);
                            default -> Math.max(gv, 0) * av;
                        };
                    }
                }
                return new Naive(map, null, false);
            }
            case "eigencam", "eigengradcam" -> {
                double[] values = new double[z * k];
                for (int i = 0; i < values.length; i++) {
                    values[i] = method.equals("eigencam") ? a[i] : (double) g[i] * a[i];
                }
                double[][] pc = principalComponent(values, z, k);
                return new Naive(pc[0], pc[1], false);
            }
            default -> throw new AssertionError(method);
        }
        for (int p = 0; p < z; p++) {
            for (int c = 0; c < k; c++) {
                map[p] += alpha[c] * a[p * k + c];
            }
        }
        return new Naive(map, alpha, method.equals("gradcam-signed"));
    }

    /**
     * The projection on the first principal component of {@code values} (z x k): columns centred,
     * first eigenvector of X^T X by power iteration, turned so that {@code sum_p M_p a_p >= 0}
     * with {@code a_p = sum_k values_pk}. Returns {projection, component}.
     */
    static double[][] principalComponent(double[] values, int z, int k) {
        double[] x = new double[z * k];
        for (int c = 0; c < k; c++) {
            double mean = 0;
            for (int p = 0; p < z; p++) {
                mean += values[p * k + c] / z;
            }
            for (int p = 0; p < z; p++) {
                x[p * k + c] = values[p * k + c] - mean;
            }
        }
        double[][] cov = new double[k][k];
        for (int p = 0; p < z; p++) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    cov[i][j] += x[p * k + i] * x[p * k + j];
                }
            }
        }
        double[] v = new double[k];
        for (int i = 0; i < k; i++) {
            v[i] = 1 + 0.1 * i;
        }
        double lambda = 0;
        for (int it = 0; it < 20000; it++) {
            double[] next = new double[k];
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    next[i] += cov[i][j] * v[j];
                }
            }
            double norm = 0;
            for (double d : next) {
                norm += d * d;
            }
            norm = Math.sqrt(norm);
            lambda = norm;
            for (int i = 0; i < k; i++) {
                v[i] = next[i] / norm;
            }
        }
        // converged: C v = lambda v
        for (int i = 0; i < k; i++) {
            double cv = 0;
            for (int j = 0; j < k; j++) {
                cv += cov[i][j] * v[j];
            }
            assertEquals(lambda * v[i], cv, 1e-9 * lambda, "power iteration converged");
        }
        double[] m = new double[z];
        double agreement = 0;
        for (int p = 0; p < z; p++) {
            double total = 0;
            for (int c = 0; c < k; c++) {
                m[p] += x[p * k + c] * v[c];
                total += values[p * k + c];
            }
            agreement += m[p] * total;
        }
        if (agreement < 0) {
            for (int p = 0; p < z; p++) {
                m[p] = -m[p];
            }
            for (int c = 0; c < k; c++) {
                v[c] = -v[c];
            }
        }
        return new double[][] {m, v};
    }

    /**
     * Eigen-CAM at a layer whose pixels are {@code A_p = c + t_p w} (rank one after centring): the
     * component is {@code ±w/|w|} and the projection {@code ±(t_p - mean t)|w|}; the sign rule
     * ({@code sum_p M_p a_p >= 0} with {@code a_p = sum_k A_pk = sum c + t_p sum w}) picks the
     * sign of {@code sum w}. Here {@code w = (1, -3)}: the sign is minus.
     */
    @Test
    void eigenCamOfRankOneActivationsHasAClosedFormAndItsSignFollowsTheActivation() {
        double[] w = {1, -3};
        double[] c = {0.5, 4};
        int h = 4;
        float[] values = new float[h * h * 2];
        double[] t = new double[h * h];
        Random r = new Random(8);
        double mean = 0;
        for (int p = 0; p < t.length; p++) {
            t[p] = r.nextDouble() * 2 - 1;
            mean += t[p] / t.length;
        }
        for (int p = 0; p < t.length; p++) {
            for (int k = 0; k < 2; k++) {
                values[p * 2 + k] = (float) (c[k] + t[p] * w[k]);
            }
        }
        Tensor x = Tensor.of(values, 1, h, h, 2);
        // the layer passes the input through unchanged (the input itself is not a layer to explain)
        Graph.Builder b = Graph.builder();
        io.gradcam4j.engine.graph.Node passThrough = b.add("values", new io.gradcam4j.engine.ops.Identity("values"),
                b.input("input"));
        io.gradcam4j.engine.graph.Node gap = b.add("gap", new io.gradcam4j.engine.ops.GlobalPool2D(
                io.gradcam4j.engine.ops.GlobalPool2D.Kind.AVERAGE, false), passThrough);
        Graph graph = b.build(b.add("dense", new io.gradcam4j.engine.ops.MatMul(new io.gradcam4j.engine.Param("w",
                io.gradcam4j.engine.GradientCheck.random(r, -1f, 1f, 2, 2), true)), gap));
        ClassMap m = Support.explain("eigencam", graph, x, "values", 0).maps().get(0);
        double norm = Math.sqrt(10);
        double[] expected = new double[t.length];
        for (int p = 0; p < t.length; p++) {
            expected[p] = Math.max(-(t[p] - mean) * norm, 0);
        }
        assertClose(expected, m.cam().data(), 1e-5, "eigencam, rank one");
        assertClose(new double[] {-1 / norm, 3 / norm}, m.channelWeights(), 1e-5, "the component, sign included");
    }

    // ---- Score-CAM

    private static NaiveNet scoreCamNet(Random r) {
        return new NaiveNet(8, 8, 3, 4)
                .conv(r, "conv1", 3, 6, NaiveNet.Act.RELU, false, 1f, 0.3f)     // 6x6x6: upsampled to 8x8
                .conv(r, "conv2", 3, 3, NaiveNet.Act.RELU, false, 1f, 0.3f)
                .dense(r, 1.5f);
    }

    @Test
    void scoreCamRecomputedWithAlignedCornersMinMaxMasksAndSoftmax() {
        Random r = new Random(17);
        Graph graph = scoreCamNet(r).withSoftmax().graph();
        Tensor x = Support.rand(r, 0f, 1f, 1, 8, 8, 3);
        float[] a = Support.record(graph, x, "conv1").value("conv1").data();
        for (ScoreKind kind : ScoreKind.values()) {
            for (int cls : new int[] {0, 2}) {
                double[] alpha = scoreCamWeights(graph, x, a, 6, 6, 6, allChannels(6), cls, kind);
                Explanation e = Support.explain("scorecam", graph, x, "conv1", List.of(cls), kind, MethodOptions.defaults());
                ClassMap m = e.maps().get(0);
                assertClose(alpha, m.channelWeights(), 1e-5, "score-cam weights, " + kind + ", class " + cls);
                assertClose(relu(weighted(a, alpha, 36, 6)), m.cam().data(), 1e-5, "score-cam map, " + kind);
                assertEquals(1 + 6, e.passes().forward(), "one forward pass per channel, and the first");
                assertEquals(0, e.passes().backward(), "gradient-free");
            }
        }
    }

    /** Faster Score-CAM: only the channels of largest activation variance are scored, the rest weigh 0. */
    @Test
    void scoreCamMaxChannelsKeepsTheTopVarianceChannels() {
        Random r = new Random(19);
        Graph graph = scoreCamNet(r).graph();
        Tensor x = Support.rand(r, 0f, 1f, 1, 8, 8, 3);
        float[] a = Support.record(graph, x, "conv1").value("conv1").data();
        double[] variance = new double[6];
        for (int c = 0; c < 6; c++) {
            double[] ch = Support.channel(a, 36, 6, c);
            double mean = java.util.Arrays.stream(ch).average().orElseThrow();
            for (double v : ch) {
                variance[c] += (v - mean) * (v - mean) / 36;
            }
        }
        Integer[] order = {0, 1, 2, 3, 4, 5};
        java.util.Arrays.sort(order, (p, q) -> Double.compare(variance[q], variance[p]));
        assertTrue(variance[order[2]] > variance[order[3]], "distinct variances at the cut");
        boolean[] kept = new boolean[6];
        for (int i = 0; i < 3; i++) {
            kept[order[i]] = true;
        }
        int cls = 1;
        double[] alpha = scoreCamWeights(graph, x, a, 6, 6, 6, kept, cls, ScoreKind.LOGIT);
        Explanation e = Support.explain("scorecam", graph, x, "conv1", List.of(cls), ScoreKind.LOGIT,
                MethodOptions.builder().maxChannels(3).build());
        ClassMap m = e.maps().get(0);
        for (int c = 0; c < 6; c++) {
            if (!kept[c]) {
                assertEquals(0f, m.channelWeights()[c], "channel " + c + " is not scored");
            }
        }
        assertClose(alpha, m.channelWeights(), 1e-5, "max-channels weights");
        assertClose(relu(weighted(a, alpha, 36, 6)), m.cam().data(), 1e-5, "max-channels map");
        assertEquals(1 + 3, e.passes().forward());
    }

    static boolean[] allChannels(int k) {
        boolean[] all = new boolean[k];
        java.util.Arrays.fill(all, true);
        return all;
    }

    /** Score-CAM's alpha by its definition, with the model run by {@code Graph.predict}. */
    static double[] scoreCamWeights(Graph graph, Tensor x, float[] a, int h, int w, int k, boolean[] scored, int cls,
                                    ScoreKind kind) {
        int bigH = x.dim(1);
        int bigW = x.dim(2);
        int ch = x.dim(3);
        double[] scores = new double[k];
        for (int c = 0; c < k; c++) {
            if (!scored[c]) {
                continue;
            }
            double[] up = alignedCorners(Support.channel(a, h * w, k, c), h, w, bigH, bigW);
            double min = java.util.Arrays.stream(up).min().orElseThrow();
            double max = java.util.Arrays.stream(up).max().orElseThrow();
            float[] masked = new float[x.size()];
            for (int p = 0; p < bigH * bigW; p++) {
                for (int j = 0; j < ch; j++) {
                    masked[p * ch + j] = (float) (x.data()[p * ch + j] * (up[p] - min) / (max - min + 1e-8));
                }
            }
            Tensor in = Tensor.of(masked, x.shape());
            scores[c] = kind == ScoreKind.LOGIT ? Support.logits(graph, in)[cls] : graph.predict(in).data()[cls];
        }
        double sum = 0;
        double[] alpha = new double[k];
        for (int c = 0; c < k; c++) {
            if (scored[c]) {
                alpha[c] = Math.exp(scores[c]);
                sum += alpha[c];
            }
        }
        for (int c = 0; c < k; c++) {
            alpha[c] /= sum;
        }
        return alpha;
    }

    /** torch's UpsamplingBilinear2d: output o samples o * (in - 1) / (out - 1). */
    static double[] alignedCorners(double[] src, int h, int w, int outH, int outW) {
        double[] out = new double[outH * outW];
        for (int y = 0; y < outH; y++) {
            double sy = y * (h - 1.0) / (outH - 1.0);
            int y0 = (int) Math.floor(sy);
            int y1 = Math.min(y0 + 1, h - 1);
            for (int x = 0; x < outW; x++) {
                double sx = x * (w - 1.0) / (outW - 1.0);
                int x0 = (int) Math.floor(sx);
                int x1 = Math.min(x0 + 1, w - 1);
                double fy = sy - y0;
                double fx = sx - x0;
                out[y * outW + x] = (1 - fy) * ((1 - fx) * src[y0 * w + x0] + fx * src[y0 * w + x1])
                        + fy * ((1 - fx) * src[y1 * w + x0] + fx * src[y1 * w + x1]);
            }
        }
        return out;
    }

    static double[] weighted(float[] a, double[] alpha, int z, int k) {
        double[] m = new double[z];
        for (int p = 0; p < z; p++) {
            for (int c = 0; c < k; c++) {
                m[p] += alpha[c] * a[p * k + c];
            }
        }
        return m;
    }

    private static boolean varies(float[] g, int z, int k) {
        for (int p = 1; p < z; p++) {
            for (int c = 0; c < k; c++) {
                if (g[p * k + c] != g[c]) {
                    return true;
                }
            }
        }
        return false;
    }
}
