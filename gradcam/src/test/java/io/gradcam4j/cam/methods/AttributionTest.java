package io.gradcam4j.cam.methods;

import io.gradcam4j.cam.CamStatus;
import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Explanation;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.engine.ReluRule;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;
import io.gradcam4j.engine.ops.BiasAdd;
import io.gradcam4j.engine.ops.Chain;
import io.gradcam4j.engine.ops.MatMul;
import io.gradcam4j.engine.ops.Reshape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

import static io.gradcam4j.cam.methods.Support.assertClose;
import static io.gradcam4j.cam.methods.Support.toDouble;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The input-space methods against closed forms and naive recomputations: Integrated Gradients
 * (exact on a linear model, completeness gap, Gauss-Legendre nodes), occlusion (Captum's windows),
 * saliency and input x gradient (central finite differences of the network written out in double
 * precision), RISE with given masks and SmoothGrad with given noise.
 */
class AttributionTest {
    private static final int H = 6;
    private static final int W = 6;
    private static final int C = 2;
    private static final int CLASSES = 3;

    private final Random random = new Random(41);
    /** The linear model's weights: logits = flatten(x) K + b. */
    private final Tensor kernel = Support.rand(random, -1f, 1f, H * W * C, CLASSES);

    private Graph linear() {
        Graph.Builder b = Graph.builder();
        Node flat = b.add("flatten", Reshape.flatten(), b.input("input"));
        return b.build(b.add("logits", Chain.of(new MatMul(Support.param("kernel", kernel)),
                new BiasAdd(Support.param("bias", Support.rand(random, -1f, 1f, CLASSES)))), flat));
    }

    private double weight(int j, int cls) {
        return kernel.data()[j * CLASSES + cls];
    }

    private NaiveNet nonlinear(int h, int w) {
        return new NaiveNet(h, w, C, CLASSES)
                .conv(random, "conv1", 3, 4, NaiveNet.Act.RELU, false, 1f, 0.2f)
                .conv(random, "conv2", 3, 3, NaiveNet.Act.RELU, false, 1f, 0.2f)
                .dense(random, 1f);
    }

    private static Explanation explain(String method, Graph g, Tensor x, int cls, MethodOptions o,
                                       UnaryOperator<Tensor> preprocessing) {
        return Methods.byName(method).explain(g, x,
                new ExplainRequest(List.of(), p -> List.of(cls), ScoreKind.LOGIT, o, preprocessing, null)).get(0);
    }

    // ---- Integrated Gradients

    /** Linear model: T = (x - x') * w exactly and the completeness gap is 0, for each baseline. */
    @Test
    void integratedGradientsOfALinearModelIsInputMinusBaselineTimesWeight() {
        Graph g = linear();
        Tensor x = Support.rand(random, -1f, 1f, 1, H, W, C);
        UnaryOperator<Tensor> preprocessing = t -> {
            float[] d = t.data().clone();
            for (int i = 0; i < d.length; i++) {
                d[i] = d[i] / 127.5f - 1f;
            }
            return Tensor.of(d, t.shape());
        };
        double[] blurred = naiveBlur(x.data(), H, W, C, Math.max(H, W) / 10.0);
        for (MethodOptions.Baseline baseline : MethodOptions.Baseline.values()) {
            int cls = baseline.ordinal();
            double[] base = new double[x.size()];
            switch (baseline) {
                case ZERO -> { }
                case BLACK -> java.util.Arrays.fill(base, -1);   // the preprocessed image of pixel 0
                case BLUR -> base = blurred;
            }
            double[] expected = new double[x.size()];
            double sum = 0;
            for (int j = 0; j < expected.length; j++) {
                expected[j] = (x.data()[j] - base[j]) * weight(j, cls);
                sum += expected[j];
            }
            Explanation e = explain("integrated-gradients", g, x, cls, MethodOptions.builder().baseline(baseline)
                    .steps(7).build(), preprocessing);
            ClassMap m = e.maps().get(0);
            assertClose(expected, m.attribution().data(), 1e-5, "IG, " + baseline + " baseline");
            double[] cam = new double[H * W];
            for (int p = 0; p < cam.length; p++) {
                for (int c = 0; c < C; c++) {
                    cam[p] += expected[p * C + c];
                }
            }
            assertClose(cam, m.cam().data(), 1e-5, "cam = sum over channels");
            assertEquals(0, m.figures().get("completeness_gap"), 1e-5 * Math.abs(sum), "completeness");
            assertEquals(sum, m.figures().get("attribution_sum"), 1e-5 * Math.abs(sum));
            assertEquals(1 + 7 + 1, e.passes().forward(), "the image, 7 points, the baseline");
            assertEquals(7, e.passes().backward());
        }
    }

    /** IG's baseline blur: a 2-D Gaussian of sigma max(H, W)/10, radius ceil(3 sigma), borders replicated. */
    private static double[] naiveBlur(float[] x, int h, int w, int c, double sigma) {
        int r = (int) Math.ceil(3 * sigma);
        double total = 0;
        for (int i = -r; i <= r; i++) {
            for (int j = -r; j <= r; j++) {
                total += Math.exp(-(i * i + j * j) / (2 * sigma * sigma));
            }
        }
        double[] out = new double[x.length];
        for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < w; xx++) {
                for (int ch = 0; ch < c; ch++) {
                    double s = 0;
                    for (int i = -r; i <= r; i++) {
                        for (int j = -r; j <= r; j++) {
                            int sy = Math.min(Math.max(y + i, 0), h - 1);
                            int sx = Math.min(Math.max(xx + j, 0), w - 1);
                            s += Math.exp(-(i * i + j * j) / (2 * sigma * sigma)) / total * x[(sy * w + sx) * c + ch];
                        }
                    }
                    out[(y * w + xx) * c + ch] = s;
                }
            }
        }
        return out;
    }

    /**
     * A ReLU network: IG is recomputed from its definition (Gauss-Legendre points, gradients from
     * the engine's backward pass), and the completeness gap shrinks as the steps grow.
     */
    @Test
    void integratedGradientsOfANonlinearModelConvergesAndMatchesItsDefinition() {
        NaiveNet net = nonlinear(8, 8);
        Graph g = net.graph();
        Tensor x = Support.rand(random, -1f, 1f, 1, 8, 8, C);
        int cls = 1;
        int n = 8;
        GaussLegendre rule = GaussLegendre.of(n);
        double[] integral = new double[x.size()];
        for (int i = 0; i < n; i++) {
            float[] point = new float[x.size()];
            for (int j = 0; j < point.length; j++) {
                point[j] = (float) (rule.alphas()[i] * x.data()[j]);    // zero baseline
            }
            float[] grad = Support.logitGradients(g, Tensor.of(point, x.shape()), cls, "input").get("input").data();
            for (int j = 0; j < grad.length; j++) {
                integral[j] += rule.weights()[i] * grad[j];
            }
        }
        double[] expected = new double[x.size()];
        for (int j = 0; j < expected.length; j++) {
            expected[j] = x.data()[j] * integral[j];
        }
        ClassMap m = explain("integrated-gradients", g, x, cls, MethodOptions.builder().baseline(MethodOptions.Baseline.ZERO)
                .steps(n).batchSize(3).build(), null).maps().get(0);
        assertClose(expected, m.attribution().data(), 1e-5, "IG by its definition");
        double delta = net.logits(toDouble(x.data()))[cls] - net.logits(new double[x.size()])[cls];
        assertEquals(net.logits(new double[x.size()])[cls], m.figures().get("baseline_score"), 1e-5);

        double gap4 = explain("integrated-gradients", g, x, cls, MethodOptions.builder().baseline(MethodOptions.Baseline.ZERO)
                .steps(4).build(), null).maps().get(0).figures().get("completeness_gap");
        double gap64 = explain("integrated-gradients", g, x, cls, MethodOptions.builder().baseline(MethodOptions.Baseline.ZERO)
                .steps(64).build(), null).maps().get(0).figures().get("completeness_gap");
        // measured: delta = S(x) - S(0) = 0.653, gap(4) = 0.0297, gap(64) = 0.0019. The gradient of a ReLU
        // network is piecewise constant along the path, so the error falls like 1/n, not exponentially.
        assertTrue(gap4 > 1e-3 * Math.abs(delta), "4 steps leave a gap: " + gap4 + " of " + delta);
        assertTrue(gap64 < gap4 / 4, "the gap shrinks: " + gap4 + " -> " + gap64);
        assertTrue(gap64 < 1e-2 * Math.abs(delta), "64 steps: " + gap64 + " of " + delta);
    }

    @Test
    void gaussLegendreNodesAndWeights() {
        GaussLegendre one = GaussLegendre.of(1);
        assertEquals(0.5, one.alphas()[0], 1e-15);
        assertEquals(1, one.weights()[0], 1e-15);

        GaussLegendre two = GaussLegendre.of(2);
        assertEquals((1 - 1 / Math.sqrt(3)) / 2, two.alphas()[0], 1e-15);
        assertEquals((1 + 1 / Math.sqrt(3)) / 2, two.alphas()[1], 1e-15);
        assertEquals(0.5, two.weights()[0], 1e-15);
        assertEquals(0.5, two.weights()[1], 1e-15);

        GaussLegendre three = GaussLegendre.of(3);
        assertEquals((1 - Math.sqrt(0.6)) / 2, three.alphas()[0], 1e-15);
        assertEquals(0.5, three.alphas()[1], 1e-15);
        assertEquals(5.0 / 18, three.weights()[0], 1e-15);
        assertEquals(8.0 / 18, three.weights()[1], 1e-15);

        // n points integrate polynomials of degree 2n - 1 exactly: t^9 with 5 points, t^99 with 50
        assertEquals(0.1, integrate(GaussLegendre.of(5), t -> Math.pow(t, 9)), 1e-15);
        assertTrue(Math.abs(0.1 - integrate(GaussLegendre.of(4), t -> Math.pow(t, 9))) > 1e-6, "4 points are not enough");
        GaussLegendre fifty = GaussLegendre.of(50);
        assertEquals(1, integrate(fifty, t -> 1), 1e-14);
        assertEquals(0.01, integrate(fifty, t -> Math.pow(t, 99)), 1e-14);
        assertEquals(Math.sin(1), integrate(fifty, Math::cos), 1e-14);
        for (int i = 0; i < 50; i++) {
            assertTrue(fifty.alphas()[i] > 0 && fifty.alphas()[i] < 1 && fifty.weights()[i] > 0);
            if (i > 0) {
                assertTrue(fifty.alphas()[i] > fifty.alphas()[i - 1], "increasing");
            }
            assertEquals(fifty.alphas()[i], 1 - fifty.alphas()[49 - i], 1e-14, "symmetric");
        }
    }

    private static double integrate(GaussLegendre rule, java.util.function.DoubleUnaryOperator f) {
        double s = 0;
        for (int i = 0; i < rule.alphas().length; i++) {
            s += rule.weights()[i] * f.applyAsDouble(rule.alphas()[i]);
        }
        return s;
    }

    // ---- Occlusion

    /** Window 1, stride 1, fill 0 on a linear model: every channel of pixel p gets sum_c x_pc w_pc. */
    @Test
    void occlusionOfSinglePixelsOnALinearModel() {
        Graph g = linear();
        Tensor x = Support.rand(random, -1f, 1f, 1, H, W, C);
        int cls = 2;
        double[] drop = new double[H * W];
        for (int p = 0; p < drop.length; p++) {
            for (int c = 0; c < C; c++) {
                drop[p] += x.data()[p * C + c] * weight(p * C + c, cls);
            }
        }
        double[] perChannel = new double[H * W * C];
        double[] cam = new double[H * W];
        for (int p = 0; p < drop.length; p++) {
            for (int c = 0; c < C; c++) {
                perChannel[p * C + c] = drop[p];
            }
            cam[p] = C * drop[p];
        }
        Explanation e = explain("occlusion", g, x, cls, MethodOptions.builder().window(1).stride(1).fill(0f).build(), null);
        ClassMap m = e.maps().get(0);
        assertClose(perChannel, m.attribution().data(), 1e-5, "each channel: the drop from occluding the pixel");
        assertClose(cam, m.cam().data(), 1e-5, "cam: summed over channels");
        assertEquals(1 + H * W, e.passes().forward());
    }

    /** 8x8 input, window 3, stride 2 (origins 0, 2, 4, 6; the last window is cut), fill 0.25: Captum's mean of drops. */
    @Test
    void occlusionWithAWindowThatDoesNotDivideTheInput() {
        int size = 8;
        int win = 3;
        int stride = 2;
        float fill = 0.25f;
        Graph g = nonlinear(size, size).graph();
        Tensor x = Support.rand(random, -1f, 1f, 1, size, size, C);
        int cls = 0;
        double original = Support.logits(g, x)[cls];
        java.util.List<Integer> origins = new java.util.ArrayList<>();
        for (int o = 0; ; o += stride) {     // Captum: windows until one reaches the end
            origins.add(o);
            if (o + win >= size) {
                break;
            }
        }
        assertEquals(List.of(0, 2, 4, 6), origins);
        double[] sum = new double[size * size];
        int[] count = new int[size * size];
        for (int y0 : origins) {
            for (int x0 : origins) {
                float[] occluded = x.data().clone();
                for (int y = y0; y < Math.min(y0 + win, size); y++) {
                    for (int xx = x0; xx < Math.min(x0 + win, size); xx++) {
                        for (int c = 0; c < C; c++) {
                            occluded[(y * size + xx) * C + c] = fill;
                        }
                        count[y * size + xx]++;
                    }
                }
                double d = original - Support.logits(g, Tensor.of(occluded, x.shape()))[cls];
                for (int y = y0; y < Math.min(y0 + win, size); y++) {
                    for (int xx = x0; xx < Math.min(x0 + win, size); xx++) {
                        sum[y * size + xx] += d;
                    }
                }
            }
        }
        double[] expected = new double[size * size * C];
        for (int p = 0; p < size * size; p++) {
            for (int c = 0; c < C; c++) {
                expected[p * C + c] = sum[p] / count[p];
            }
        }
        Explanation e = explain("occlusion", g, x, cls, MethodOptions.builder().window(win).stride(stride).fill(fill)
                .batchSize(5).build(), null);
        assertClose(expected, e.maps().get(0).attribution().data(), 1e-5, "occlusion 3/2");
        assertEquals(1 + 16, e.passes().forward());
        RuntimeException tooFar = assertThrows(io.gradcam4j.engine.errors.InvalidRequestException.class, () -> explain("occlusion", g, x,
                cls, MethodOptions.builder().window(2).stride(3).build(), null));
        assertTrue(tooFar.getMessage().contains("stride 3 is larger than the window 2"), tooFar.getMessage());
    }

    // ---- gradients

    /** Saliency = |dS/dx| and input x gradient = x dS/dx, against central differences of the network in double. */
    @Test
    void saliencyAndInputXGradientAgainstFiniteDifferences() {
        NaiveNet net = new NaiveNet(H, W, C, CLASSES)
                .conv(random, "conv1", 3, 4, NaiveNet.Act.RELU, false, 1f, 0.2f)
                .conv(random, "conv2", 2, 3, NaiveNet.Act.RELU, false, 1f, 0.2f)
                .dense(random, 1f);
        Graph g = net.graph();
        Tensor x = Support.rand(random, -1f, 1f, 1, H, W, C);
        double[] xs = toDouble(x.data());
        assertClose(net.logits(xs), Support.logits(g, x), 1e-5, "the double network is the engine's network");
        for (double[] z : net.preActivations(xs)) {
            for (double v : z) {
                assertTrue(Math.abs(v) > 1e-4, "no ReLU kink within the finite-difference step");
            }
        }
        double h = 1e-6;
        for (int cls = 0; cls < CLASSES; cls++) {
            double[] fd = new double[xs.length];
            for (int j = 0; j < xs.length; j++) {
                double[] plus = xs.clone();
                double[] minus = xs.clone();
                plus[j] += h;
                minus[j] -= h;
                fd[j] = (net.logits(plus)[cls] - net.logits(minus)[cls]) / (2 * h);
            }
            double[] abs = new double[fd.length];
            double[] ixg = new double[fd.length];
            for (int j = 0; j < fd.length; j++) {
                abs[j] = Math.abs(fd[j]);
                ixg[j] = xs[j] * fd[j];
            }
            assertClose(abs, Support.explain("saliency", g, x, null, cls).maps().get(0).attribution().data(), 1e-5,
                    "saliency, class " + cls);
            assertClose(ixg, Support.explain("inputxgradient", g, x, null, cls).maps().get(0).attribution().data(), 1e-5,
                    "input x gradient, class " + cls);
            // the hand-written backward pass agrees too (it serves the guided tests)
            assertClose(fd, toFloat(net.inputGradient(xs, cls, ReluRule.STANDARD)), 1e-6, "hand backward");
        }
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    // ---- RISE and SmoothGrad with given draws

    @Test
    void riseWithGivenMasks() {
        NaiveNet net = nonlinear(H, W).withSoftmax();
        Graph g = net.graph();
        Tensor x = Support.rand(random, -1f, 1f, 1, H, W, C);
        int n = 6;
        Tensor masks = Support.rand(random, 0f, 1f, n, H, W);
        for (ScoreKind kind : ScoreKind.values()) {
            int cls = 1;
            double[] expected = new double[H * W];
            for (int i = 0; i < n; i++) {
                float[] masked = new float[x.size()];
                for (int p = 0; p < H * W; p++) {
                    for (int c = 0; c < C; c++) {
                        masked[p * C + c] = x.data()[p * C + c] * masks.data()[i * H * W + p];
                    }
                }
                Tensor in = Tensor.of(masked, x.shape());
                double s = kind == ScoreKind.LOGIT ? Support.logits(g, in)[cls] : g.predict(in).data()[cls];
                for (int p = 0; p < H * W; p++) {
                    expected[p] += s * masks.data()[i * H * W + p] / (n * 0.5);
                }
            }
            Explanation e = Support.explain("rise", g, x, null, List.of(cls), kind,
                    MethodOptions.builder().masks(masks).batchSize(4).build());
            assertClose(expected, e.maps().get(0).cam().data(), 1e-5, "rise, " + kind);
            assertClose(expected, e.maps().get(0).attribution().data(), 1e-5, "rise has no channels");
            assertEquals(1 + n, e.passes().forward());
        }
    }

    /** A linear model's gradient is the same at every noisy input: SmoothGrad with drawn noise is |w|. */
    @Test
    void smoothGradWithDrawnNoiseOfALinearModelIsTheWeightMagnitude() {
        Graph g = linear();
        Tensor x = Support.rand(random, -1f, 1f, 1, H, W, C);
        int cls = 0;
        double[] expected = new double[x.size()];
        for (int j = 0; j < expected.length; j++) {
            expected[j] = Math.abs(weight(j, cls));
        }
        Explanation e = Support.explain("smoothgrad", g, x, null, List.of(cls), ScoreKind.LOGIT,
                MethodOptions.builder().samples(5).noiseLevel(0.3).seed(7L).build());
        assertClose(expected, e.maps().get(0).attribution().data(), 1e-6, "smoothgrad, linear");
        assertEquals(1 + 5, e.passes().forward());
    }

    @Test
    void smoothGradWithGivenNoise() {
        Graph g = nonlinear(H, W).graph();
        Tensor x = Support.rand(random, -1f, 1f, 1, H, W, C);
        int n = 5;
        Tensor noise = Support.rand(random, -0.3f, 0.3f, n, H, W, C);
        int cls = 2;
        double[] expected = new double[x.size()];
        for (int i = 0; i < n; i++) {
            float[] noisy = new float[x.size()];
            for (int j = 0; j < noisy.length; j++) {
                noisy[j] = x.data()[j] + noise.data()[i * x.size() + j];
            }
            float[] grad = Support.logitGradients(g, Tensor.of(noisy, x.shape()), cls, "input").get("input").data();
            for (int j = 0; j < grad.length; j++) {
                expected[j] += Math.abs(grad[j]) / n;
            }
        }
        Explanation e = Support.explain("smoothgrad", g, x, null, List.of(cls), ScoreKind.LOGIT,
                MethodOptions.builder().noise(noise).batchSize(2).build());
        assertClose(expected, e.maps().get(0).attribution().data(), 1e-5, "smoothgrad");
        assertEquals(CamStatus.OK, e.maps().get(0).status());
        assertEquals(1 + n, e.passes().forward());
        assertEquals(n, e.passes().backward());
    }
}
