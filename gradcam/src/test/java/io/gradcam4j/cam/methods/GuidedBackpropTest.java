package io.gradcam4j.cam.methods;

import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.engine.ReluRule;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;
import io.gradcam4j.engine.ops.BiasAdd;
import io.gradcam4j.engine.ops.Chain;
import io.gradcam4j.engine.ops.MatMul;
import io.gradcam4j.engine.ops.Relu;
import io.gradcam4j.engine.ops.Reshape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.gradcam4j.cam.methods.Support.assertClose;
import static io.gradcam4j.cam.methods.Support.toDouble;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guided backpropagation ({@code dx = max(dy * f'(x), 0)} at every ReLU-family op) and deconvnet
 * ({@code dx = max(dy, 0)}) against the same chains written out by hand in double precision:
 * on dense -> relu -> dense -> relu -> dense, and on conv -> act -> conv -> act -> GAP -> dense
 * with act = relu, relu6 and leaky relu, the activation inside the convolution's layer or a node
 * of its own. The engine folds convolution + bias + activation into one op at inference; the
 * maps must be the same with and without that folding.
 */
class GuidedBackpropTest {

    /** x (2x2x2, flattened) -> d1 (8->6) relu -> d2 (6->5) relu -> d3 (5->3). */
    @Test
    void denseReluChainsByHand() {
        Random r = new Random(11);
        Tensor w1 = Support.rand(r, -1f, 1f, 8, 6);
        Tensor b1 = Support.rand(r, -0.3f, 0.3f, 6);
        Tensor w2 = Support.rand(r, -1f, 1f, 6, 5);
        Tensor b2 = Support.rand(r, -0.3f, 0.3f, 5);
        Tensor w3 = Support.rand(r, -1f, 1f, 5, 3);
        Graph.Builder b = Graph.builder();
        Node in = b.input("input");
        Node flat = b.add("flatten", Reshape.flatten(), in);
        Node d1 = b.add("d1", Chain.of(new MatMul(Support.param("k", w1)), new BiasAdd(Support.param("b", b1)),
                Relu.plain()), flat);
        Node d2 = b.add("d2", Chain.of(new MatMul(Support.param("k", w2)), new BiasAdd(Support.param("b", b2)),
                Relu.plain()), d1);
        Node d3 = b.add("d3", new MatMul(Support.param("k", w3)), d2);
        Graph graph = b.build(d3);
        Tensor x = Support.rand(r, -1f, 1f, 1, 2, 2, 2);
        int cls = 1;

        double[] xs = toDouble(x.data());
        double[] z1 = affine(xs, w1, b1);
        double[] a1 = Support.relu(z1);
        double[] z2 = affine(a1, w2, b2);
        double[] a2 = Support.relu(z2);
        double[] g3 = new double[5];
        for (int j = 0; j < 5; j++) {
            g3[j] = w3.data()[j * 3 + cls];       // dS/da2
        }
        for (ReluRule rule : ReluRule.values()) {
            double[] dz2 = new double[5];
            for (int j = 0; j < 5; j++) {
                dz2[j] = rule(rule, g3[j], z2[j]);
            }
            double[] ga1 = back(dz2, w2);        // dS/da1 = W2 dz2
            double[] dz1 = new double[6];
            for (int j = 0; j < 6; j++) {
                dz1[j] = rule(rule, ga1[j], z1[j]);
            }
            double[] dx = back(dz1, w1);
            if (rule == ReluRule.STANDARD) {
                // the plain gradient, through the saliency: |dx|
                double[] abs = new double[dx.length];
                for (int i = 0; i < dx.length; i++) {
                    abs[i] = Math.abs(dx[i]);
                }
                assertClose(abs, attribution("saliency", graph, x, cls), 1e-5, "saliency");
                continue;
            }
            String method = rule == ReluRule.GUIDED ? "guided-backprop" : "deconvnet";
            assertClose(dx, attribution(method, graph, x, cls), 1e-5, method);
            assertClose(dx, attribution(method, graph.withoutFusion(), x, cls), 1e-5, method + " unfused");
        }
        // not vacuous: the inner relu sees a negative gradient where its input is positive
        boolean negativeThroughActiveUnit = false;
        double[] ga1 = back(maskedPositive(g3, z2), w2);
        for (int j = 0; j < 6; j++) {
            negativeThroughActiveUnit |= z1[j] > 0 && ga1[j] < 0;
        }
        assertTrue(negativeThroughActiveUnit, "the data should exercise the guided rule");
        assertTrue(graph.inferencePlan(List.of("input")).toString().contains("folded("), "dense + relu are folded");
    }

    static Stream<Arguments> activations() {
        return Stream.of(
                Arguments.of(NaiveNet.Act.RELU, false), Arguments.of(NaiveNet.Act.RELU, true),
                Arguments.of(NaiveNet.Act.RELU6, false), Arguments.of(NaiveNet.Act.RELU6, true),
                Arguments.of(NaiveNet.Act.LEAKY, false), Arguments.of(NaiveNet.Act.LEAKY, true));
    }

    /**
     * conv 3x3 (2->4) + act -> conv 1x1 (4->3) + act -> GAP -> dense (3->4), by hand. The
     * activation sits in the convolution's layer or in a node of its own: both are folded.
     */
    @ParameterizedTest(name = "{0}, own node {1}")
    @MethodSource("activations")
    void foldedConvolutionsKeepTheRule(NaiveNet.Act act, boolean ownNode) {
        Random r = new Random(21);
        // weights large enough that relu6 clips: pre-activations below 0, within (0, 6) and above 6
        NaiveNet net = new NaiveNet(8, 8, 2, 4)
                .conv(r, "conv1", 3, 4, act, ownNode, 2.5f, 0.5f)
                .conv(r, "conv2", 1, 3, act, ownNode, 1f, 0.5f)
                .dense(r, 1f);
        Graph graph = net.graph();
        Tensor x = Support.rand(r, -1f, 1f, 1, 8, 8, 2);
        double[] xs = toDouble(x.data());
        double[] z1 = net.preActivations(xs).get(0);
        assertTrue(count(z1, v -> v < 0) > 0 && count(z1, v -> v > 0 && v < 6) > 0 && count(z1, v -> v > 6) > 0,
                "the first layer's pre-activations cover every region of relu6");

        String plan = graph.inferencePlan(List.of("input")).toString();
        assertEquals(2, plan.lines().filter(l -> l.startsWith("conv") && l.contains("= folded(Conv2D")
                && l.contains("+ ReLU(")).count(), "both convolutions are folded with their activation:\n" + plan);

        boolean guidedDiffersFromDeconvnet = false;
        for (int cls = 0; cls < 4; cls += 3) {
            double[] guided = net.inputGradient(xs, cls, ReluRule.GUIDED);
            double[] deconv = net.inputGradient(xs, cls, ReluRule.DECONVNET);
            double[] plain = net.inputGradient(xs, cls, ReluRule.STANDARD);
            assertTrue(differ(guided, plain) && differ(deconv, plain), "the rules change the gradient here");
            guidedDiffersFromDeconvnet |= differ(guided, deconv);
            float[] fused = attribution("guided-backprop", graph, x, cls);
            float[] unfused = attribution("guided-backprop", graph.withoutFusion(), x, cls);
            assertClose(guided, fused, 1e-5, "guided, folded, class " + cls);
            assertClose(guided, unfused, 1e-5, "guided, unfolded, class " + cls);
            assertClose(toDouble(unfused), fused, 1e-5, "guided folded = unfolded");
            assertClose(deconv, attribution("deconvnet", graph, x, cls), 1e-5, "deconvnet, folded, class " + cls);
            assertClose(deconv, attribution("deconvnet", graph.withoutFusion(), x, cls), 1e-5, "deconvnet, unfolded");
            double[] ixg = new double[plain.length];
            for (int i = 0; i < ixg.length; i++) {
                ixg[i] = xs[i] * plain[i];
            }
            assertClose(ixg, attribution("inputxgradient", graph, x, cls), 1e-5, "input x gradient, class " + cls);
        }
        assertTrue(guidedDiffersFromDeconvnet, "guided backpropagation and deconvnet differ for some class");
    }

    /** Guided Grad-CAM: guided backpropagation times Grad-CAM's unnormalised map at the layer, nearest-upsampled. */
    @Test
    void guidedGradCamIsGuidedBackpropTimesTheNearestUpsampledGradCam() {
        Random r = new Random(5);
        NaiveNet net = new NaiveNet(7, 7, 2, 3)
                .conv(r, "conv1", 3, 4, NaiveNet.Act.RELU, false, 1f, 0.3f)
                .conv(r, "conv2", 2, 3, NaiveNet.Act.RELU, false, 1f, 0.3f)
                .dense(r, 1f);
        Graph graph = net.graph();
        Tensor x = Support.rand(r, -1f, 1f, 1, 7, 7, 2);
        int cls = 2;
        double[] xs = toDouble(x.data());
        double[] guided = net.inputGradient(xs, cls, ReluRule.GUIDED);
        // Grad-CAM at conv2 (4x4x3): the GAP head makes dS/dA = W[k, c] / 16
        double[] a = net.activation(xs, 1);
        int hh = 4;
        double[] cam = new double[hh * hh];
        for (int p = 0; p < cam.length; p++) {
            for (int k = 0; k < 3; k++) {
                cam[p] += net.dense.data()[k * 3 + cls] / 16.0 * a[p * 3 + k];
            }
            cam[p] = Math.max(cam[p], 0);
        }
        double[] expected = new double[xs.length];
        for (int y = 0; y < 7; y++) {
            for (int xx = 0; xx < 7; xx++) {
                double up = cam[(y * hh / 7) * hh + xx * hh / 7];   // torch nearest: floor(dst * in / out)
                for (int ch = 0; ch < 2; ch++) {
                    expected[(y * 7 + xx) * 2 + ch] = guided[(y * 7 + xx) * 2 + ch] * up;
                }
            }
        }
        ClassMap m = Support.explain("guided-gradcam", graph, x, "conv2", cls).maps().get(0);
        assertTrue(Support.maxAbs(expected) > 0, "a non-trivial map");
        assertClose(expected, m.attribution().data(), 1e-5, "guided grad-cam");
    }

    private static float[] attribution(String method, Graph g, Tensor x, int cls) {
        return Support.explain(method, g, x, null, cls).maps().get(0).attribution().data();
    }

    private static double rule(ReluRule rule, double dy, double z) {
        return NaiveNet.Act.RELU.backward(dy, z, rule);
    }

    private static double[] maskedPositive(double[] g, double[] z) {
        double[] r = new double[g.length];
        for (int j = 0; j < g.length; j++) {
            r[j] = Math.max(g[j] * (z[j] > 0 ? 1 : 0), 0);
        }
        return r;
    }

    /** x W + b for x of length in and W (in, out). */
    private static double[] affine(double[] x, Tensor w, Tensor b) {
        int out = w.dim(1);
        double[] y = new double[out];
        for (int j = 0; j < out; j++) {
            double s = b.data()[j];
            for (int i = 0; i < x.length; i++) {
                s += x[i] * w.data()[i * out + j];
            }
            y[j] = s;
        }
        return y;
    }

    /** W dz: the gradient at the input of x W. */
    private static double[] back(double[] dz, Tensor w) {
        int in = w.dim(0);
        int out = w.dim(1);
        double[] dx = new double[in];
        for (int i = 0; i < in; i++) {
            for (int j = 0; j < out; j++) {
                dx[i] += w.data()[i * out + j] * dz[j];
            }
        }
        return dx;
    }

    private static int count(double[] v, java.util.function.DoublePredicate p) {
        int n = 0;
        for (double x : v) {
            if (p.test(x)) {
                n++;
            }
        }
        return n;
    }

    private static boolean differ(double[] a, double[] b) {
        double scale = Math.max(Support.maxAbs(a), Support.maxAbs(b));
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(a[i] - b[i]) > 1e-3 * scale) {
                return true;
            }
        }
        return false;
    }
}
