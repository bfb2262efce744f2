package io.gradcam4j.cam.methods;

import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Explanation;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;
import io.gradcam4j.engine.ops.Add;
import io.gradcam4j.engine.ops.BiasAdd;
import io.gradcam4j.engine.ops.Chain;
import io.gradcam4j.engine.ops.Conv2D;
import io.gradcam4j.engine.ops.Dropout;
import io.gradcam4j.engine.ops.GlobalPool2D;
import io.gradcam4j.engine.ops.MatMul;
import io.gradcam4j.engine.ops.Relu;
import io.gradcam4j.engine.ops.Reshape;
import io.gradcam4j.engine.ops.Softmax;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static io.gradcam4j.cam.methods.Support.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CAM (the Dense weights of a GAP -> Dense head; Grad-CAM up to 1/Z there; refused on any other
 * head) and Ablation-CAM, whose ablated scores are closed-form when the layer feeds GAP -> Dense:
 * {@code S - S_k = W[k, c] (mean A_k - off)}.
 */
class CamAndAblationTest {
    private final Random random = new Random(29);

    private Op conv(int cin, int cout, boolean relu) {
        return Chain.of(new Conv2D(Support.param("kernel", Support.rand(random, -1f, 1f, 3, 3, cin, cout)),
                        new int[] {1, 1}, new int[] {1, 1}, Padding.SAME),
                new BiasAdd(Support.param("bias", Support.rand(random, -0.3f, 0.3f, cout))), relu ? Relu.plain() : null);
    }

    private Op dense(Tensor kernel, boolean softmax) {
        return Chain.of(new MatMul(Support.param("kernel", kernel)),
                new BiasAdd(Support.param("bias", Support.rand(random, -0.5f, 0.5f, kernel.dim(1)))),
                softmax ? new Softmax() : null);
    }

    private static GlobalPool2D gap() {
        return new GlobalPool2D(GlobalPool2D.Kind.AVERAGE, false);
    }

    @Test
    void camIsGradCamTimesZOnAGlobalAveragePoolingHead() {
        for (boolean softmax : new boolean[] {false, true}) {
            for (boolean dropout : new boolean[] {false, true}) {
                Tensor w = Support.rand(random, -1f, 1f, 4, 3);
                Graph.Builder b = Graph.builder();
                Node x = b.add("conv", conv(2, 4, true), b.input("input"));
                x = b.add("gap", gap(), x);
                if (dropout) {
                    x = b.add("dropout", new Dropout(0.5f, false), x);
                }
                Graph graph = b.build(b.add("predictions", dense(w, softmax), x));
                Tensor image = Support.rand(random, -1f, 1f, 1, 6, 5, 2);
                int z = 30;
                for (int cls = 0; cls < 3; cls++) {
                    ClassMap cam = Support.explain("cam", graph, image, "conv", cls).maps().get(0);
                    ClassMap gradcam = Support.explain("gradcam", graph, image, "conv", cls).maps().get(0);
                    double[] column = {w.data()[cls], w.data()[3 + cls], w.data()[6 + cls], w.data()[9 + cls]};
                    assertClose(column, cam.channelWeights(), 0, "alpha_k = W[k, c]");
                    double[] scaled = new double[z];
                    for (int p = 0; p < z; p++) {
                        scaled[p] = gradcam.cam().data()[p] * (double) z;
                    }
                    assertClose(scaled, cam.cam().data(), 1e-5, "cam = Z gradcam");
                    assertClose(Support.toDouble(gradcam.normalized().data()), cam.normalized().data(), 1e-6,
                            "normalised maps equal");
                    assertEquals(gradcam.status(), cam.status());
                }
            }
        }
    }

    @Test
    void camRefusesOtherHeadsSayingWhatItFound() {
        Tensor w = Support.rand(random, -1f, 1f, 4, 3);
        Tensor image = Support.rand(random, -1f, 1f, 1, 5, 5, 2);

        Graph.Builder b1 = Graph.builder();
        Node c1 = b1.add("conv", conv(2, 4, true), b1.input("input"));
        Node flat = b1.add("flatten", Reshape.flatten(), c1);
        Graph flatten = b1.build(b1.add("predictions", dense(Support.rand(random, -1f, 1f, 100, 3), true), flat));
        assertRefused(flatten, image, "'flatten' (Flatten)");

        Graph.Builder b2 = Graph.builder();
        Node c2 = b2.add("conv", conv(2, 4, true), b2.input("input"));
        Node fc1 = b2.add("fc1", dense(w, false), b2.add("gap", gap(), c2));
        Graph twoDense = b2.build(b2.add("predictions", dense(Support.rand(random, -1f, 1f, 3, 3), true), fc1));
        assertRefused(twoDense, image, "the Dense layer 'fc1' is followed by more layers");

        Graph.Builder b3 = Graph.builder();
        Node c3 = b3.add("conv", conv(2, 4, true), b3.input("input"));
        Node gmp = b3.add("gmp", new GlobalPool2D(GlobalPool2D.Kind.MAX, false), c3);
        Graph maxPool = b3.build(b3.add("predictions", dense(w, true), gmp));
        assertRefused(maxPool, image, "it feeds 'gmp'");

        Graph.Builder b4 = Graph.builder();
        Node c4 = b4.add("conv", conv(2, 4, true), b4.input("input"));
        Node c5 = b4.add("conv2", conv(4, 4, true), c4);
        Graph deeper = b4.build(b4.add("predictions", dense(w, true), b4.add("gap", gap(), c5)));
        assertRefused(deeper, image, "it feeds 'conv2'");
        // the same model explained at its last convolution is accepted
        assertEquals(4, Support.explain("cam", deeper, image, "conv2", 0).maps().get(0).channelWeights().length);
    }

    private static void assertRefused(Graph g, Tensor image, String found) {
        RuntimeException e = assertThrows(io.gradcam4j.engine.errors.InvalidRequestException.class,
                () -> Support.explain("cam", g, image, "conv", 0));
        assertTrue(e.getMessage().contains("cam needs layer 'conv' to feed GlobalAveragePooling2D"), e.getMessage());
        assertTrue(e.getMessage().contains(found), e.getMessage());
        assertTrue(e.getMessage().contains("Use gradcam"), e.getMessage());
    }

    // ---- Ablation-CAM

    /** conv [layer] -> GAP -> dense: S - S_k = W[k, c] (mean A_k - off), off = 0 after a ReLU, else min(A) - 1e7. */
    @Test
    void ablationCamOnAGlobalAveragePoolingHeadIsClosedForm() {
        for (boolean relu : new boolean[] {true, false}) {
            Tensor w = Support.rand(random, -1f, 1f, 5, 3);
            Graph.Builder b = Graph.builder();
            Node layer = b.add("conv", conv(2, 5, relu), b.input("input"));
            Graph graph = b.build(b.add("predictions", dense(w, true), b.add("gap", gap(), layer)));
            Tensor image = Support.rand(random, -1f, 1f, 1, 6, 6, 2);
            float[] a = Support.record(graph, image, "conv").value("conv").data();
            double min = Double.POSITIVE_INFINITY;
            for (float v : a) {
                min = Math.min(min, v);
            }
            assertEquals(relu, min == 0, "a ReLU layer has zeros, a linear one negative values");
            double off = relu ? 0 : min - 1e7;
            checkAblation(graph, image, a, 36, 5, w, off, layer.name(), 1 + 5);
        }
    }

    /**
     * A skip connection around the layer: {@code sum = a + b(a)}, b the layer; the rest of the
     * network is run again from b with a kept from the first pass (the downstream "frontier").
     */
    @Test
    void ablationCamRunsTheRestOfTheNetworkWithASkipConnection() {
        Tensor w = Support.rand(random, -1f, 1f, 4, 3);
        Graph.Builder gb = Graph.builder();
        Node a = gb.add("a", conv(2, 4, true), gb.input("input"));
        Node b = gb.add("b", conv(4, 4, true), a);
        Node sum = gb.add("sum", new Add(), a, b);
        Graph graph = gb.build(gb.add("predictions", dense(w, false), gb.add("gap", gap(), sum)));
        Tensor image = Support.rand(random, -1f, 1f, 1, 6, 6, 2);
        float[] values = Support.record(graph, image, "b").value("b").data();
        checkAblation(graph, image, values, 36, 4, w, 0, "b", 1 + 1 + 4);
    }

    private static void checkAblation(Graph graph, Tensor image, float[] a, int z, int k, Tensor w, double off,
                                      String layer, long forwardPasses) {
        float[] logits = Support.logits(graph, image);
        for (int cls = 0; cls < 3; cls++) {
            double s = logits[cls];
            double[] alpha = new double[k];
            for (int c = 0; c < k; c++) {
                double mean = 0;
                for (int p = 0; p < z; p++) {
                    mean += a[p * k + c] / (double) z;
                }
                alpha[c] = w.data()[c * 3 + cls] * (mean - off) / s;
            }
            Explanation e = Support.explain("ablationcam", graph, image, layer, List.of(cls), ScoreKind.LOGIT,
                    MethodOptions.builder().batchSize(3).build());
            ClassMap m = e.maps().get(0);
            assertClose(alpha, m.channelWeights(), 1e-4, "ablation weights, class " + cls + ", off " + off);
            assertClose(Support.relu(CamFamilyTest.weighted(a, alpha, z, k)), m.cam().data(), 1e-4, "ablation map");
            assertEquals(forwardPasses, e.passes().forward(), "forward passes");
            assertEquals(0, e.passes().backward());
        }
    }

}
