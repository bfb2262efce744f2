package io.gradcam4j.cam.methods;

import io.gradcam4j.cam.CamStatus;
import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Explanation;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;
import io.gradcam4j.engine.ops.BiasAdd;
import io.gradcam4j.engine.ops.Chain;
import io.gradcam4j.engine.ops.GlobalPool2D;
import io.gradcam4j.engine.ops.MatMul;
import io.gradcam4j.engine.ops.Reshape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import static io.gradcam4j.cam.methods.Support.assertClose;
import static io.gradcam4j.cam.methods.Support.assertFinite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A batch gives each image what a run of its own gives it; the passes are counted per image;
 * statuses replace NaN (zero gradient, no positive evidence, flat map) and no method lets a
 * non-finite number out, even on an all-zero image of an all-zero network; bad requests are
 * clear errors.
 */
class BatchAndStatusTest {
    private final Random random = new Random(61);

    private NaiveNet net(float convBias) {
        return new NaiveNet(8, 8, 2, 4)
                .conv(random, "conv1", 3, 4, NaiveNet.Act.RELU, false, 1f, convBias)
                .conv(random, "conv2", 3, 4, NaiveNet.Act.RELU, false, 1f, convBias)
                .dense(random, 1.5f);
    }

    /** The most and the least probable class of each image: different classes for different images. */
    private static final Function<float[], List<Integer>> EXTREMES = p -> {
        int best = MethodContext.argmax(p);
        int worst = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] < p[worst]) {
                worst = i;
            }
        }
        return List.of(best, worst);
    };

    @Test
    void aBatchGivesTheMapsOfSeparateRuns() {
        NaiveNet net = net(0.3f).withSoftmax();
        net.denseBias = Tensor.zeros(4);
        float[] d = net.dense.data();
        for (int row = 0; row < 4; row++) {     // class j follows channel j of the last convolution
            for (int j = 0; j < 4; j++) {
                d[row * 4 + j] = row == j ? 3f : -1f;
            }
        }
        Graph graph = net.graph();
        // three images: only the first channel, only the second, both; so that their classes differ
        Tensor batch = Support.rand(random, -2f, 2f, 3, 8, 8, 2);
        for (int p = 0; p < 64; p++) {
            batch.data()[p * 2 + 1] = 0f;
            batch.data()[128 + p * 2] = 0f;
        }
        List<List<Integer>> chosen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            chosen.add(EXTREMES.apply(graph.predict(batch.item(i)).data()));
        }
        assertTrue(!chosen.get(0).equals(chosen.get(1)) || !chosen.get(1).equals(chosen.get(2)),
                "the images have classes of their own: " + chosen);
        int k = 4;
        for (String method : List.of("gradcam", "saliency", "scorecam")) {
            for (ScoreKind kind : ScoreKind.values()) {
                List<String> layers = method.equals("saliency") ? List.of() : List.of("conv1");
                ExplainRequest request = new ExplainRequest(layers, EXTREMES, kind, MethodOptions.builder().batchSize(3)
                        .build(), null, null);
                List<Explanation> together = Methods.byName(method).explain(graph, batch, request);
                assertEquals(3, together.size());
                for (int i = 0; i < 3; i++) {
                    Explanation alone = Methods.byName(method).explain(graph, batch.item(i), request).get(0);
                    Explanation inBatch = together.get(i);
                    String what = method + ", " + kind + ", image " + i;
                    assertClose(Support.toDouble(alone.probabilities()), inBatch.probabilities(), 1e-6, what);
                    assertEquals(2, inBatch.maps().size());
                    for (int slot = 0; slot < 2; slot++) {
                        ClassMap a = alone.maps().get(slot);
                        ClassMap b = inBatch.maps().get(slot);
                        assertEquals(chosen.get(i).get(slot), b.classIndex(), what);
                        assertEquals(a.classIndex(), b.classIndex(), what);
                        assertEquals(a.score(), b.score(), 1e-6f, what);
                        assertClose(Support.toDouble(a.cam().data()), b.cam().data(), 1e-5, what + ", slot " + slot);
                        assertClose(Support.toDouble(a.normalized().data()), b.normalized().data(), 1e-5, what);
                        assertEquals(a.status(), b.status(), what);
                    }
                    Explanation.Passes expected = switch (method) {
                        case "scorecam" -> new Explanation.Passes(1 + 2L * k, 0);   // K masked inputs per class
                        default -> new Explanation.Passes(1, 2);                   // one backward pass per class
                    };
                    assertEquals(expected, inBatch.passes(), what);
                    assertEquals(expected, alone.passes(), what);
                }
            }
        }
    }

    // ---- statuses

    private static final List<String> GRADIENT_METHODS = List.of("gradcam", "gradcam++", "xgradcam", "hirescam",
            "gradcam-elementwise", "layercam", "eigengradcam", "counterfactual", "gradcam-signed", "saliency",
            "inputxgradient", "guided-backprop", "deconvnet", "guided-gradcam", "smoothgrad", "integrated-gradients",
            "fullgrad");

    private static MethodOptions small() {
        return MethodOptions.builder().steps(4).samples(4).window(3).stride(2).batchSize(4).build();
    }

    private static ClassMap explain(String method, Graph g, Tensor x, String layer, int cls, ScoreKind kind) {
        ExplanationMethod m = Methods.byName(method);
        return Support.explain(method, g, x, m.usesLayer() ? layer : null, List.of(cls), kind, small()).maps().get(0);
    }

    @Test
    void aZeroGradientIsReportedByEveryMethodThatReadsIt() {
        NaiveNet net = net(0.3f);
        net.dense = Tensor.zeros(4, 4);
        Graph graph = net.graph();
        Tensor x = Support.rand(random, -1f, 1f, 1, 8, 8, 2);
        for (String method : GRADIENT_METHODS) {
            ClassMap m = explain(method, graph, x, "conv2", 1, ScoreKind.LOGIT);
            assertEquals(CamStatus.ZERO_GRADIENT, m.status(), method);
            for (float v : m.normalized().data()) {
                assertEquals(0f, v, method + ": nothing drawn");
            }
        }
    }

    @Test
    void mapsWithNothingPositiveOrNothingLocalised() {
        // ReLU activations >= 0 and negative dense weights: no positive evidence for Grad-CAM
        NaiveNet negative = net(0.3f);
        java.util.Arrays.fill(negative.dense.data(), -1f);
        Tensor x = Support.rand(random, -1f, 1f, 1, 8, 8, 2);
        ClassMap none = explain("gradcam", negative.graph(), x, "conv2", 0, ScoreKind.LOGIT);
        assertEquals(CamStatus.NO_POSITIVE_EVIDENCE, none.status());
        assertEquals(0f, none.maxValue());

        // input x gradient of a linear model at x = 0: the gradient is not zero, the attribution is
        Tensor w = Support.rand(random, 0.5f, 1f, 8 * 8 * 2, 3);
        Graph.Builder b = Graph.builder();
        Node flat = b.add("flatten", Reshape.flatten(), b.input("input"));
        Graph linear = b.build(b.add("logits", new MatMul(Support.param("kernel", w)), flat));
        ClassMap ixg = explain("inputxgradient", linear, Tensor.zeros(1, 8, 8, 2), null, 0, ScoreKind.LOGIT);
        assertEquals(CamStatus.NO_POSITIVE_EVIDENCE, ixg.status());

        // a constant positive map: convolutions of zero kernel and positive bias, positive dense weights
        NaiveNet flat2 = net(0.3f);
        for (NaiveNet.ConvLayer l : flat2.convs) {
            java.util.Arrays.fill(l.kernel().data(), 0f);
            java.util.Arrays.fill(l.bias().data(), 0.5f);
        }
        java.util.Arrays.fill(flat2.dense.data(), 0.25f);
        Graph constant = flat2.graph();
        for (String method : List.of("gradcam", "hirescam", "layercam", "gradcam++", "xgradcam", "cam", "scorecam")) {
            ClassMap m = explain(method, constant, x, "conv2", 2, ScoreKind.LOGIT);
            assertEquals(CamStatus.FLAT_MAP, m.status(), method);
            for (float v : m.normalized().data()) {
                assertEquals(1f, v, 1e-6f, method + ": drawn flat");
            }
        }
        // saliency of a linear model whose weights all have one magnitude
        Tensor same = Tensor.zeros(8 * 8 * 2, 3);
        for (int i = 0; i < same.size(); i++) {
            same.data()[i] = i % 2 == 0 ? 0.5f : -0.5f;
        }
        Graph.Builder b2 = Graph.builder();
        Node flat3 = b2.add("flatten", Reshape.flatten(), b2.input("input"));
        Graph uniform = b2.build(b2.add("logits", new MatMul(Support.param("kernel", same)), flat3));
        assertEquals(CamStatus.FLAT_MAP, explain("saliency", uniform, x, null, 0, ScoreKind.LOGIT).status());
    }

    /** Every method, on an all-zero image, of a network with biases and of one without (all activations 0, score 0). */
    @Test
    void noMethodLetsANonFiniteNumberOutOnAnAllZeroImage() {
        NaiveNet dead = net(0f);
        dead.denseBias = Tensor.zeros(4);
        List<Graph> graphs = List.of(net(0.3f).withSoftmax().graph(), dead.graph(), dead.withSoftmax().graph());
        Tensor zeros = Tensor.zeros(1, 8, 8, 2);
        assertEquals(23, Methods.names().size());
        for (Graph g : graphs) {
            for (String method : Methods.names()) {
                for (ScoreKind kind : ScoreKind.values()) {
                    ClassMap m = explain(method, g, zeros, "conv2", 1, kind);
                    String what = method + ", " + kind;
                    assertFinite(m.cam().data(), what + " cam");
                    assertFinite(m.normalized().data(), what + " normalized");
                    assertFinite(m.attribution() == null ? null : m.attribution().data(), what + " attribution");
                    assertFinite(m.channelWeights(), what + " channel weights");
                    assertTrue(Float.isFinite(m.maxValue()) && Float.isFinite(m.score()), what);
                    for (ClassMap.ChannelContribution c : m.topChannels()) {
                        assertTrue(Float.isFinite(c.weight()) && Double.isFinite(c.contribution()), what + " " + c);
                    }
                    for (Map.Entry<String, Double> f : m.figures().entrySet()) {
                        assertTrue(Double.isFinite(f.getValue()), what + " " + f);
                    }
                    if (m.status() != CamStatus.OK && m.status() != CamStatus.FLAT_MAP) {
                        for (float v : m.normalized().data()) {
                            assertEquals(0f, v, what + " " + m.status() + " draws nothing");
                        }
                    }
                }
            }
        }
    }

    // ---- refusals

    @Test
    void eigenCamNeedsMoreThanOnePixel() {
        Graph.Builder b = Graph.builder();
        Node pooled = b.add("pooled", new GlobalPool2D(GlobalPool2D.Kind.AVERAGE, true), b.input("input"));
        Graph g = b.build(b.add("logits", Chain.of(new MatMul(Support.param("k", Support.rand(random, -1f, 1f, 2, 3))),
                new BiasAdd(Support.param("b", Tensor.zeros(3)))), pooled));
        Tensor x = Support.rand(random, -1f, 1f, 1, 4, 4, 2);
        for (String method : List.of("eigencam", "eigengradcam")) {
            RuntimeException e = assertThrows(io.gradcam4j.engine.errors.InvalidRequestException.class,
                    () -> Support.explain(method, g, x, "pooled", 0));
            assertTrue(e.getMessage().contains("needs at least two pixels") && e.getMessage().contains("has 1"),
                    e.getMessage());
        }
    }

    @Test
    void unknownMethodsAndMissingLayersAreClearErrors() {
        RuntimeException e = assertThrows(io.gradcam4j.engine.errors.InvalidRequestException.class, () -> Methods.byName("gradkam"));
        assertTrue(e.getMessage().startsWith("unknown method 'gradkam'"), e.getMessage());
        for (String name : Methods.names()) {
            assertTrue(e.getMessage().contains(name), name + " listed in: " + e.getMessage());
            assertEquals(name, Methods.byName(name).name());
        }
        assertEquals("gradcam++", Methods.byName(" GradCAM++ ").name());
        assertEquals(23, Methods.names().size());
        assertNotEquals(Methods.byName("gradcam"), Methods.byName("gradcam"), "a fresh instance each time");

        Graph g = net(0.3f).graph();
        Tensor x = Support.rand(random, -1f, 1f, 1, 8, 8, 2);
        RuntimeException noLayer = assertThrows(io.gradcam4j.engine.errors.InvalidRequestException.class,
                () -> Support.explain("scorecam", g, x, null, 0));
        assertTrue(noLayer.getMessage().contains("scorecam explains at a layer"), noLayer.getMessage());
    }
}
