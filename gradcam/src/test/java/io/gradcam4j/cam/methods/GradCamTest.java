package io.gradcam4j.cam.methods;

import io.gradcam4j.cam.CamStatus;
import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Explanation;
import io.gradcam4j.cam.ScoreKind;


import io.gradcam4j.engine.GradientCheck;
import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;
import io.gradcam4j.engine.ops.BiasAdd;
import io.gradcam4j.engine.ops.Chain;
import io.gradcam4j.engine.ops.Conv2D;
import io.gradcam4j.engine.ops.GlobalPool2D;
import io.gradcam4j.engine.ops.MatMul;
import io.gradcam4j.engine.ops.Relu;
import io.gradcam4j.engine.ops.Softmax;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Grad-CAM on a conv -> ReLU -> global average pooling -> dense(softmax) model. For that head
 * Grad-CAM equals the original CAM of Zhou et al. (2016): the logit of class c is
 * sum_ch W[ch, c] * mean(A_ch) + b, so its gradient at every pixel of channel ch is W[ch, c] / HW
 * and the map is sum_ch W[ch, c] / HW * A_ch. The tests compare with that closed form.
 */
class GradCamTest {
    private static final int H = 5;
    private static final int W = 4;
    private static final int C = 3;
    private static final int CLASSES = 4;

    private final Random random = new Random(5);
    private final Tensor dense = GradientCheck.random(random, -1f, 1f, C, CLASSES);
    private final Tensor image = GradientCheck.random(random, -1f, 1f, 1, 7, 6, 2);

    private Graph model(Tensor denseKernel) {
        Graph.Builder b = Graph.builder();
        Node in = b.input("input");
        Node conv = b.add("conv", Chain.of(new Conv2D(new Param("kernel", GradientCheck.random(random, -1f, 1f, 3, 3,
                2, C), true), new int[] {1, 1}, new int[] {1, 1}, Padding.VALID), Relu.plain()), in);
        Node gap = b.add("gap", new GlobalPool2D(GlobalPool2D.Kind.AVERAGE, false), conv);
        Node out = b.add("predictions", Chain.of(new MatMul(new Param("kernel", denseKernel, true)),
                new BiasAdd(new Param("bias", Tensor.of(new float[] {0.1f, -0.2f, 0.3f, 0f}, CLASSES), true)),
                new Softmax()), gap);
        return b.build(out);
    }

    private static float[] closedFormCam(Tensor activation, Tensor denseKernel, int c) {
        float[] a = activation.data();
        float[] map = new float[H * W];
        for (int p = 0; p < H * W; p++) {
            double s = 0;
            for (int ch = 0; ch < C; ch++) {
                s += denseKernel.data()[ch * CLASSES + c] / (double) (H * W) * a[p * C + ch];
            }
            map[p] = (float) Math.max(s, 0);
        }
        return map;
    }

    @Test
    void gradCamOnAGlobalAveragePoolingHeadIsTheClassActivationMap() {
        Graph graph = model(dense);
        Tensor activation = graph.record(new Tensor[] {image}, io.gradcam4j.engine.Mode.INFERENCE, List.of("conv"),
                false).value("conv");
        Explanation e = Methods.byName("gradcam").explain(graph, image, "conv", List.of(0, 1, 2, 3), ScoreKind.LOGIT);
        for (int c = 0; c < CLASSES; c++) {
            ClassMap m = e.maps().get(c);
            float[] expected = closedFormCam(activation, dense, c);
            assertArrayEquals(expected, m.cam().data(), 1e-5f, "class " + c);
            if (m.status() == CamStatus.OK) {
                float max = 0;
                for (float v : expected) {
                    max = Math.max(max, v);
                }
                assertEquals(max, m.maxValue(), 1e-6f);
                assertEquals(1f, maxOf(m.normalized().data()), 1e-6f);
            }
        }
        assertArrayEquals(new int[] {1, H, W, C}, e.layerShape());
        assertEquals("gradcam", e.method());
    }

    @Test
    void logitsAndProbabilitiesComeFromOneForwardPass() {
        Graph graph = model(dense);
        Explanation e = Methods.byName("gradcam").explain(graph, image, "conv", List.of(), ScoreKind.LOGIT);
        float[] expectedProbabilities = graph.predict(image).data();
        assertArrayEquals(expectedProbabilities, e.probabilities(), 1e-6f);
        assertEquals(MethodContext.argmax(expectedProbabilities), e.maps().get(0).classIndex(), "default = predicted class");
        // softmax(logits) = probabilities
        double sum = 0;
        for (float z : e.logits()) {
            sum += Math.exp(z);
        }
        for (int c = 0; c < CLASSES; c++) {
            assertEquals(expectedProbabilities[c], Math.exp(e.logits()[c]) / sum, 1e-6);
        }
        assertEquals(e.logits()[e.maps().get(0).classIndex()], e.maps().get(0).score(), 0f);
    }

    /** d p_c / dA = p_c (dz_c/dA - sum_j p_j dz_j/dA): with a GAP head, the map's weights follow in closed form. */
    @Test
    void probabilityScoreGoesThroughTheSoftmax() {
        Graph graph = model(dense);
        Explanation e = Methods.byName("gradcam").explain(graph, image, "conv", List.of(2), ScoreKind.PROBABILITY);
        float[] p = e.probabilities();
        Tensor effective = Tensor.zeros(C, CLASSES);
        for (int ch = 0; ch < C; ch++) {
            double mixed = 0;
            for (int j = 0; j < CLASSES; j++) {
                mixed += p[j] * dense.data()[ch * CLASSES + j];
            }
            effective.data()[ch * CLASSES + 2] = (float) (p[2] * (dense.data()[ch * CLASSES + 2] - mixed));
        }
        Tensor activation = graph.record(new Tensor[] {image}, io.gradcam4j.engine.Mode.INFERENCE, List.of("conv"),
                false).value("conv");
        assertArrayEquals(closedFormCam(activation, effective, 2), e.maps().get(0).cam().data(), 1e-6f);
        assertEquals(p[2], e.maps().get(0).score(), 0f);
        assertEquals(ScoreKind.PROBABILITY, e.scoreKind());
    }

    @Test
    void aClassWithNoEvidenceIsReportedAndNeverNaN() {
        Tensor zero = Tensor.zeros(C, CLASSES);
        Explanation e = Methods.byName("gradcam").explain(model(zero), image, "conv", List.of(1), ScoreKind.LOGIT);
        ClassMap m = e.maps().get(0);
        assertEquals(CamStatus.ZERO_GRADIENT, m.status());
        assertEquals(0f, maxOf(m.normalized().data()));

        Tensor negative = Tensor.zeros(C, CLASSES);
        java.util.Arrays.fill(negative.data(), -1f);       // ReLU activations >= 0, weights < 0
        ClassMap n = Methods.byName("gradcam").explain(model(negative), image, "conv", List.of(1), ScoreKind.LOGIT).maps().get(0);
        assertEquals(CamStatus.NO_POSITIVE_EVIDENCE, n.status());
        for (float v : n.normalized().data()) {
            assertEquals(0f, v);
        }
        assertEquals("no-positive-evidence", n.status().json());
    }

    @Test
    void badRequestsAreClearErrors() {
        Graph graph = model(dense);
        RuntimeException range = assertThrows(io.gradcam4j.engine.errors.InvalidRequestException.class,
                () -> Methods.byName("gradcam").explain(graph, image, "conv", List.of(4), ScoreKind.LOGIT));
        assertTrue(range.getMessage().contains("class 4 is out of range") && range.getMessage().contains("0..3"));
        RuntimeException layer = assertThrows(io.gradcam4j.engine.errors.InvalidRequestException.class,
                () -> Methods.byName("gradcam").explain(graph, image, "conv9", List.of(), ScoreKind.LOGIT));
        assertTrue(layer.getMessage().contains("conv9") && layer.getMessage().contains("gap"), layer.getMessage());
        RuntimeException flat = assertThrows(io.gradcam4j.engine.errors.InvalidRequestException.class,
                () -> Methods.byName("gradcam").explain(graph, image, "gap", List.of(), ScoreKind.LOGIT));
        assertTrue(flat.getMessage().contains("4-D"), flat.getMessage());
    }

    private static float maxOf(float[] v) {
        float m = 0;
        for (float x : v) {
            m = Math.max(m, x);
        }
        return m;
    }
}
