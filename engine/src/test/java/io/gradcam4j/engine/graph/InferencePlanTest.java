package io.gradcam4j.engine.graph;

import io.gradcam4j.engine.GradientCheck;
import io.gradcam4j.engine.Gradients;
import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.ops.Add;
import io.gradcam4j.engine.ops.BatchNorm;
import io.gradcam4j.engine.ops.BiasAdd;
import io.gradcam4j.engine.ops.Chain;
import io.gradcam4j.engine.ops.Conv2D;
import io.gradcam4j.engine.ops.DepthwiseConv2D;
import io.gradcam4j.engine.ops.GlobalPool2D;
import io.gradcam4j.engine.ops.MatMul;
import io.gradcam4j.engine.ops.Relu;
import io.gradcam4j.engine.ops.Softmax;
import io.gradcam4j.engine.train.Sgd;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.gradcam4j.engine.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Which layers the inference plan folds together, that taps and the output stay visible, and
 * that the plan computes what the layers compute one by one (within 1e-5 of the largest value),
 * before and after the weights change.
 */
class InferencePlanTest {
    private static final int[] S1 = {1, 1};
    private final Random random = new Random(3);

    private Tensor rand(float lo, float hi, int... shape) {
        return GradientCheck.random(random, lo, hi, shape);
    }

    private BatchNorm norm(int c) {
        return GradientCheck.randomBatchNorm(random, c);
    }

    private Conv2D conv(int kh, int cin, int cout) {
        return new Conv2D(new Param("kernel", rand(-0.5f, 0.5f, kh, kh, cin, cout), true), S1, S1, Padding.SAME);
    }

    /**
     * input -> sep (depthwise + 1x1, no bias) -> sep_bn -> sep_act -> conv (bias, relu) -> add(conv, sep_act)
     * -> pool -> logits (Dense, softmax): the Xception pattern, a layer with its own activation,
     * a residual read of an activation and a classifier.
     */
    private Graph model() {
        Graph.Builder b = Graph.builder();
        Node in = b.input("input");
        Node sep = b.add("sep", Chain.of(new DepthwiseConv2D(new Param("depthwise_kernel", rand(-0.5f, 0.5f, 3, 3, 3, 1),
                true), S1, S1, Padding.SAME), conv(1, 3, 6)), in);
        Node bn = b.add("sep_bn", norm(6), sep);
        Node act = b.add("sep_act", Relu.plain(), bn);
        Node conv = b.add("conv", Chain.of(conv(3, 6, 6), new BiasAdd(new Param("bias", rand(-1f, 1f, 6), true)),
                Relu.plain()), act);
        Node add = b.add("add", new Add(), conv, act);
        Node pool = b.add("pool", new GlobalPool2D(GlobalPool2D.Kind.AVERAGE, false), add);
        Node logits = b.add("logits", Chain.of(new MatMul(new Param("kernel", rand(-1f, 1f, 6, 4), true)),
                new BiasAdd(new Param("bias", rand(-1f, 1f, 4), true)), new Softmax()), pool);
        return b.build(logits);
    }

    private static List<String> names(Graph g) {
        return g.nodes().stream().map(Node::name).toList();
    }

    @Test
    void foldsNormalizationAndActivationIntoTheLayerBefore() {
        Graph g = model();
        assertEquals(List.of("input", "sep_act", "conv", "add", "pool", "logits"), names(g.inferencePlan(List.of())));
    }

    @Test
    void keepsTappedLayersVisible() {
        Graph g = model();
        assertEquals(List.of("input", "sep_bn", "sep_act", "conv", "add", "pool", "logits"),
                names(g.inferencePlan(List.of("sep_bn"))));
        assertEquals(List.of("input", "sep", "sep_bn", "sep_act", "conv", "add", "pool", "logits"),
                names(g.inferencePlan(List.of("sep"))));
        RuntimeException e = assertThrows(io.gradcam4j.engine.errors.InvalidRequestException.class,
                () -> g.inferencePlan(List.of("sep_bnn")));
        assertEquals(true, e.getMessage().contains("sep_bn"), e.getMessage());
    }

    @Test
    void normalizationReadTwiceStaysALayer() {
        Graph.Builder b = Graph.builder();
        Node in = b.input("input");
        Node c = b.add("conv", conv(3, 3, 4), in);
        Node bn = b.add("bn", norm(4), c);
        Node act = b.add("act", Relu.plain(), bn);
        Node add = b.add("add", new Add(), act, bn);
        Graph g = b.build(add);
        assertEquals(List.of("input", "bn", "act", "add"), names(g.inferencePlan(List.of())));
        Tensor x = rand(-1f, 1f, 1, 5, 5, 3);
        assertClose(g.withoutFusion().predict(x), g.predict(x), 1e-5, "output");
    }

    @Test
    void predictionsAndGradCamGradientsMatchTheLayersOneByOne() {
        Graph g = model();
        Tensor x = rand(-1f, 1f, 2, 9, 7, 3);
        assertClose(g.withoutFusion().predict(x), g.predict(x), 1e-5, "prediction");
        for (String tap : List.of("input", "sep_bn", "sep_act", "conv")) {
            Recording fused = g.record(new Tensor[] {x}, Mode.INFERENCE, List.of(tap), false);
            Recording layers = g.withoutFusion().record(new Tensor[] {x}, Mode.INFERENCE, List.of(tap), false);
            assertClose(layers.value(tap), fused.value(tap), 1e-5, tap + " value");
            Tensor seed = rand(-1f, 1f, fused.output().shape());
            Map<String, Tensor> expected = layers.backward(seed);
            Map<String, Tensor> actual = fused.backward(seed);
            assertClose(expected.get(tap), actual.get(tap), 1e-5, tap + " gradient");
        }
    }

    @Test
    void shapesFoundWithoutRunningEqualARunsShapes() {
        io.gradcam4j.engine.ShapeAssert.assertStaticShapesMatchARun(model(), rand(-1f, 1f, 2, 9, 7, 3));
    }

    @Test
    void anOpThatCannotTellItsShapeIsRunToSeeIt() {
        Graph.Builder b = Graph.builder();
        Node in = b.input("input");
        Node lambda = b.add("lambda", new io.gradcam4j.engine.Op() {   // like a registered Keras Lambda
            @Override
            public io.gradcam4j.engine.Step forward(Tensor[] inputs, Mode mode) {
                return new io.gradcam4j.engine.Step(Tensor.zeros(1, 4, 4, 3), (dy, w) -> new Tensor[] {inputs[0]});
            }

            @Override
            public String describe() {
                return "lambda";
            }
        }, in);
        Graph g = b.build(b.add("conv", conv(3, 3, 5), lambda));
        io.gradcam4j.engine.ShapeAssert.assertStaticShapesMatchARun(g, rand(-1f, 1f, 1, 9, 9, 3));
        assertEquals(List.of(1, 4, 4, 5), java.util.Arrays.stream(g.outputShapes(rand(-1f, 1f, 1, 9, 9, 3)).get("conv"))
                .boxed().toList());
    }

    @Test
    void followsTraining() {
        Graph g = model();
        Tensor x = rand(-1f, 1f, 2, 9, 7, 3);
        g.predict(x);                                  // the plan folds the initial weights
        Recording r = g.record(new Tensor[] {x}, Mode.INFERENCE, List.of(), true);   // unfused
        Gradients grads = new Gradients();
        r.backward(rand(-1f, 1f, r.output().shape()), grads);
        new Sgd(0.5f, 0f, false).step(grads);           // in-place updates of every kernel and bias
        assertClose(g.withoutFusion().predict(x), g.predict(x), 1e-5, "prediction after an SGD step");
    }
}
