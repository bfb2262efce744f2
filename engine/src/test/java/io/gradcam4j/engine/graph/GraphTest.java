package io.gradcam4j.engine.graph;

import io.gradcam4j.engine.GradientCheck;
import io.gradcam4j.engine.Gradients;
import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.ops.Add;
import io.gradcam4j.engine.ops.BiasAdd;
import io.gradcam4j.engine.ops.Conv2D;
import io.gradcam4j.engine.ops.GlobalPool2D;
import io.gradcam4j.engine.ops.Identity;
import io.gradcam4j.engine.ops.MatMul;
import io.gradcam4j.engine.ops.Relu;
import io.gradcam4j.engine.ops.Reshape;
import io.gradcam4j.engine.ops.Tanh;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.gradcam4j.engine.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The graph executor: which backward rules run, how gradients of shared nodes add up, repeated
 * backward passes, weight gradients, error messages and deep graphs. References are finite
 * differences or small products written out in double precision here.
 */
class GraphTest {
    private static final int[] S1 = {1, 1};

    private final Random random = new Random(11);

    /** Delegates to another op and counts how often its forward pass and its gradient rule run. */
    static final class Counting implements Op {
        final Op inner;
        int forwards;
        int backwards;

        Counting(Op inner) {
            this.inner = inner;
        }

        @Override
        public Step forward(Tensor[] inputs, Mode mode) {
            forwards++;
            Step s = inner.forward(inputs, mode);
            return new Step(s.output(), (g, w) -> {
                backwards++;
                return s.backward().apply(g, w);
            });
        }

        @Override
        public String describe() {
            return "counting " + inner.describe();
        }

        @Override
        public List<Param> params() {
            return inner.params();
        }
    }

    private Tensor rand(int... shape) {
        return GradientCheck.random(random, -1f, 1f, shape);
    }

    private Param weight(String name, int... shape) {
        return new Param(name, GradientCheck.random(random, -0.5f, 0.5f, shape), true);
    }

    /** A smooth small CNN (no kinks, so finite differences are accurate): conv, tanh, conv, tanh, GAP, dense. */
    private final class SmoothNet {
        final Op conv1 = new Conv2D(weight("k1", 3, 3, 2, 3), S1, S1, Padding.SAME);
        final Op tanh1 = new Tanh();
        final Op conv2 = new Conv2D(weight("k2", 3, 3, 3, 4), new int[] {2, 2}, S1, Padding.SAME);
        final Op tanh2 = new Tanh();
        final Op pool = new GlobalPool2D(GlobalPool2D.Kind.AVERAGE, false);
        final Op dense = new MatMul(weight("dense", 4, 5));
        final List<String> names = List.of("conv1", "tanh1", "conv2", "tanh2", "pool", "dense");
        final List<Op> ops = List.of(conv1, tanh1, conv2, tanh2, pool, dense);

        /** The layers from {@code first} on, applied to a graph input named "in" (ops wrapped by {@code wrap}). */
        Graph from(int first, Map<String, Counting> counters) {
            Graph.Builder b = Graph.builder();
            Node n = b.input("in");
            for (int i = first; i < ops.size(); i++) {
                Op op = ops.get(i);
                if (counters != null) {
                    Counting c = new Counting(op);
                    counters.put(names.get(i), c);
                    op = c;
                }
                n = b.add(names.get(i), op, n);
            }
            return b.build(n);
        }
    }

    // (a) -----------------------------------------------------------------------------------------

    @Test
    void backwardRunsOnlyTheRulesDownstreamOfTheTap() {
        SmoothNet net = new SmoothNet();
        Map<String, Counting> counters = new LinkedHashMap<>();
        Graph g = net.from(0, counters);
        Recording rec = g.record(new Tensor[] {rand(1, 6, 5, 2)}, Mode.INFERENCE, List.of("tanh1"), false);
        rec.backward(rand(1, 5));

        for (String name : net.names) {
            assertEquals(1, counters.get(name).forwards, name + " forward passes");
        }
        // upstream of the tap, and the tapped node itself: its rule would compute the gradient of its input
        for (String name : List.of("conv1", "tanh1")) {
            assertEquals(0, counters.get(name).backwards, name + " is not downstream of the tap");
        }
        for (String name : List.of("conv2", "tanh2", "pool", "dense")) {
            assertEquals(1, counters.get(name).backwards, name + " is downstream of the tap");
        }
        // predict runs each forward pass once more and no gradient rule
        g.predict(rand(1, 6, 5, 2));
        for (String name : net.names) {
            assertEquals(2, counters.get(name).forwards, name + " forward passes after predict");
            assertEquals(name.equals("conv1") || name.equals("tanh1") ? 0 : 1, counters.get(name).backwards,
                    name + " backward passes after predict");
        }
    }

    // (b) -----------------------------------------------------------------------------------------

    @Test
    void tappedGradientEqualsFiniteDifferenceOfTheHead() {
        SmoothNet net = new SmoothNet();
        Graph full = net.from(0, null);
        Graph head = net.from(2, null);   // conv2 onwards, fed by the tanh1 activation
        Tensor x = rand(1, 6, 5, 2);
        Tensor r = rand(1, 5);
        Recording rec = full.record(new Tensor[] {x}, Mode.INFERENCE, List.of("tanh1"), false);
        Tensor a = rec.value("tanh1").copy();
        Tensor grad = rec.backward(r).get("tanh1");

        // the head reproduces the full network from the tapped activation
        assertClose(full.predict(x), head.predict(a), 1e-6, "head(tanh1) vs full network");
        Tensor numeric = finiteDifference(head, a, r, 1e-2);
        assertClose(numeric, grad, 1e-3, "gradient at tanh1 vs finite differences");
    }

    /** d/da of sum(R * head(a)), element by element, by central differences with sums in double. */
    private static Tensor finiteDifference(Graph head, Tensor a, Tensor r, double h) {
        float[] v = a.data();
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            float saved = v[i];
            v[i] = (float) (saved + h);
            float up = v[i];
            double plus = dot(head.predict(a), r);
            v[i] = (float) (saved - h);
            float down = v[i];
            double minus = dot(head.predict(a), r);
            v[i] = saved;
            out[i] = (float) ((plus - minus) / ((double) up - down));
        }
        return Tensor.of(out, a.shape());
    }

    private static double dot(Tensor y, Tensor r) {
        double s = 0;
        for (int i = 0; i < y.size(); i++) {
            s += (double) y.data()[i] * r.data()[i];
        }
        return s;
    }

    // (b), (d) --------------------------------------------------------------------------------------

    /** x (1,4) -> h = x W (4,3) -> t = tanh(h) -> o = t V (3,2): gradients small enough to write by hand. */
    private final class TinyMlp {
        final Param w = weight("W", 4, 3);
        final Param v = weight("V", 3, 2);
        final Graph graph;

        TinyMlp() {
            Graph.Builder b = Graph.builder();
            Node x = b.input("x");
            Node h = b.add("h", new MatMul(w), x);
            Node t = b.add("t", new Tanh(), h);
            graph = b.build(b.add("o", new MatMul(v), t));
        }

        /** dL/dh for L = sum(r * o), in double: (r V^T) * (1 - tanh(h)^2). */
        Tensor gradH(Tensor x, double[] r) {
            float[] out = new float[3];
            for (int j = 0; j < 3; j++) {
                double h = 0;
                for (int i = 0; i < 4; i++) {
                    h += (double) x.data()[i] * w.value().data()[i * 3 + j];
                }
                double dt = 0;
                for (int k = 0; k < 2; k++) {
                    dt += r[k] * v.value().data()[j * 2 + k];
                }
                double th = Math.tanh(h);
                out[j] = (float) (dt * (1 - th * th));
            }
            return Tensor.of(out, 1, 3);
        }

        /** dL/dx = dL/dh W^T, in double. */
        Tensor gradX(Tensor gradH) {
            float[] out = new float[4];
            for (int i = 0; i < 4; i++) {
                double s = 0;
                for (int j = 0; j < 3; j++) {
                    s += (double) gradH.data()[j] * w.value().data()[i * 3 + j];
                }
                out[i] = (float) s;
            }
            return Tensor.of(out, 1, 4);
        }
    }

    @Test
    void tappedGradientsMatchTheHandComputedChainRule() {
        TinyMlp mlp = new TinyMlp();
        Tensor x = rand(1, 4);
        double[] r = {0.7, -1.3};
        Map<String, Tensor> grads = mlp.graph.record(new Tensor[] {x}, Mode.INFERENCE, List.of("x", "h"), false)
                .backward(Tensor.of(new float[] {0.7f, -1.3f}, 1, 2));
        Tensor gradH = mlp.gradH(x, r);
        assertClose(gradH, grads.get("h"), 1e-5, "dL/dh");
        assertClose(mlp.gradX(gradH), grads.get("x"), 1e-5, "dL/dx (a tapped graph input)");
    }

    @Test
    void backwardTwiceOnOneRecordingGivesIndependentAnswers() {
        TinyMlp mlp = new TinyMlp();
        Tensor x = rand(1, 4);
        Recording rec = mlp.graph.record(new Tensor[] {x}, Mode.INFERENCE, List.of("h"), false);
        Tensor class0 = rec.backward(Tensor.of(new float[] {1f, 0f}, 1, 2)).get("h");
        Tensor class0Copy = class0.copy();
        Tensor class1 = rec.backward(Tensor.of(new float[] {0f, 1f}, 1, 2)).get("h");
        Tensor class0Again = rec.backward(Tensor.of(new float[] {1f, 0f}, 1, 2)).get("h");

        assertClose(mlp.gradH(x, new double[] {1, 0}), class0, 1e-5, "class 0");
        assertClose(mlp.gradH(x, new double[] {0, 1}), class1, 1e-5, "class 1 (second pass)");
        // no state leaks from one pass into the next, and earlier results are not overwritten
        assertArrayEquals(class0Copy.data(), class0.data(), "first result after later passes");
        assertArrayEquals(class0Copy.data(), class0Again.data(), "class 0 again");
    }

    // (c) -----------------------------------------------------------------------------------------

    @Test
    void aNodeFeedingTwoConsumersReceivesTheSumOfTheirGradients() {
        // x -> a = x A; b = a B; c = a C; out = b + c, so dL/da = R (B + C)^T
        Param pa = weight("A", 3, 4);
        Param pb = weight("B", 4, 2);
        Param pc = weight("C", 4, 2);
        Graph.Builder builder = Graph.builder();
        Node x = builder.input("x");
        Node a = builder.add("a", new MatMul(pa), x);
        Node b = builder.add("b", new MatMul(pb), a);
        Node c = builder.add("c", new MatMul(pc), a);
        Graph g = builder.build(builder.add("sum", new Add(), b, c));

        Tensor r = rand(2, 2);
        Tensor grad = g.record(new Tensor[] {rand(2, 3)}, Mode.INFERENCE, List.of("a"), false).backward(r).get("a");
        float[] expected = new float[2 * 4];
        for (int row = 0; row < 2; row++) {
            for (int j = 0; j < 4; j++) {
                double s = 0;
                for (int k = 0; k < 2; k++) {
                    s += (double) r.data()[row * 2 + k] * (pb.value().data()[j * 2 + k] + pc.value().data()[j * 2 + k]);
                }
                expected[row * 4 + j] = (float) s;
            }
        }
        assertClose(Tensor.of(expected, 2, 4), grad, 1e-5, "dL/da through both branches");
    }

    @Test
    void sharedGradientTensorsFromAddAreNotCorrupted() {
        // Add hands the same tensor to both inputs, and Identity passes it on unchanged: the two
        // branches reach 'a' with one and the same tensor object, which must be summed into a new one.
        Graph.Builder builder = Graph.builder();
        Node x = builder.input("x");
        Node a = builder.add("a", new Tanh(), x);
        Node b = builder.add("b", new Identity("left"), a);
        Node c = builder.add("c", new Identity("right"), a);
        Graph g = builder.build(builder.add("sum", new Add(), b, c));

        Tensor r = rand(2, 3);
        Tensor rCopy = r.copy();
        Recording rec = g.record(new Tensor[] {rand(2, 3)}, Mode.INFERENCE, List.of("a"), false);
        Tensor first = rec.backward(r).get("a");
        Tensor second = rec.backward(r).get("a");
        for (int i = 0; i < r.size(); i++) {
            assertEquals(2.0 * rCopy.data()[i], first.data()[i], 1e-6, "first pass, element " + i);
            assertEquals(2.0 * rCopy.data()[i], second.data()[i], 1e-6, "second pass, element " + i);
        }
        assertArrayEquals(rCopy.data(), r.data(), "the caller's output gradient must not be modified");
    }

    @Test
    void aNodeUsedTwiceByOneConsumerGetsBothContributions() {
        // out = a + a: dL/da = 2R
        Graph.Builder builder = Graph.builder();
        Node x = builder.input("x");
        Node a = builder.add("a", new Tanh(), x);
        Graph g = builder.build(builder.add("double", new Add(), a, a));
        Tensor in = rand(1, 5);
        Tensor r = rand(1, 5);
        Recording rec = g.record(new Tensor[] {in}, Mode.INFERENCE, List.of("a"), false);
        Tensor grad = rec.backward(r).get("a");
        for (int i = 0; i < 5; i++) {
            assertEquals(2 * Math.tanh(in.data()[i]), rec.output().data()[i], 1e-6);
            assertEquals(2.0 * r.data()[i], grad.data()[i], 1e-6);
        }
    }

    // (e) -----------------------------------------------------------------------------------------

    @Test
    void unknownLayerNamesListTheValidOnes() {
        Graph g = new TinyMlp().graph;
        RuntimeException e = assertThrows(io.gradcam4j.engine.errors.InvalidRequestException.class, () -> g.node("conv5"));
        assertListsNames(e, "conv5");
        e = assertThrows(io.gradcam4j.engine.errors.InvalidRequestException.class,
                () -> g.record(new Tensor[] {rand(1, 4)}, Mode.INFERENCE, List.of("conv5"), false));
        assertListsNames(e, "conv5");
        Recording rec = g.record(new Tensor[] {rand(1, 4)}, Mode.INFERENCE, List.of("h"), false);
        assertThrows(IllegalArgumentException.class, () -> rec.value("t"), "'t' was not tapped");
    }

    private static void assertListsNames(RuntimeException e, String unknown) {
        String m = e.getMessage();
        assertTrue(m.contains(unknown), m);
        for (String name : List.of("x", "h", "t", "o")) {
            assertTrue(m.contains(name), "message should list '" + name + "': " + m);
        }
    }

    // (f) -----------------------------------------------------------------------------------------

    @Test
    void predictEqualsTheRecordedOutput() {
        SmoothNet net = new SmoothNet();
        Graph g = net.from(0, null);
        Tensor x = rand(2, 6, 5, 2);
        Tensor predicted = g.predict(x);
        assertArrayEquals(new int[] {2, 5}, predicted.shape());
        assertArrayEquals(predicted.data(), g.record(new Tensor[] {x}, Mode.INFERENCE, List.of(), false).output().data());
        assertArrayEquals(predicted.data(),
                g.record(new Tensor[] {x}, Mode.INFERENCE, List.of("conv2", "in"), true).output().data());
    }

    // (g) -----------------------------------------------------------------------------------------

    @Test
    void weightGradientsOfEveryTrainableParamMatchFiniteDifferences() {
        Param kernel = weight("conv/kernel", 3, 3, 2, 3);
        Param bias = weight("conv/bias", 3);
        Param dense = weight("dense/kernel", 5 * 4 * 3, 2);
        Param frozen = new Param("dense/bias (frozen)", rand(2), false);
        Graph.Builder b = Graph.builder();
        Node x = b.input("x");
        Node conv = b.add("conv", new Conv2D(kernel, S1, S1, Padding.SAME), x);
        Node bi = b.add("conv_bias", new BiasAdd(bias), conv);
        Node relu = b.add("relu", Relu.plain(), bi);
        Node flat = b.add("flatten", Reshape.flatten(), relu);
        Node d = b.add("dense", new MatMul(dense), flat);
        Graph g = b.build(b.add("dense_bias", new BiasAdd(frozen), d));
        assertEquals(List.of(kernel, bias, dense, frozen), g.params());

        Tensor in = rand(1, 5, 4, 2);
        Tensor r = rand(1, 2);
        Gradients grads = new Gradients();
        g.record(new Tensor[] {in}, Mode.INFERENCE, List.of(), true).backward(r, grads);

        assertNull(grads.get(frozen), "a non-trainable weight gets no gradient");
        for (Param p : List.of(kernel, bias, dense)) {
            Tensor analytic = grads.get(p);
            assertNotNull(analytic, "no gradient for " + p.name());
            assertClose(weightFiniteDifference(g, in, r, p), analytic, 1e-2, "gradient of " + p.name());
        }
    }

    /** d/dp of sum(R * graph(in)) for every element of p (central differences, sums in double). */
    private static Tensor weightFiniteDifference(Graph g, Tensor in, Tensor r, Param p) {
        double h = 1e-3;
        float[] v = p.value().data();
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            float saved = v[i];
            v[i] = (float) (saved + h);
            float up = v[i];
            double plus = dot(g.predict(in), r);
            v[i] = (float) (saved - h);
            float down = v[i];
            double minus = dot(g.predict(in), r);
            v[i] = saved;
            out[i] = (float) ((plus - minus) / ((double) up - down));
        }
        return Tensor.of(out, p.value().shape());
    }

    // (h) -----------------------------------------------------------------------------------------

    @Test
    void aChainOf5000NodesNeedsNoDeepRecursion() {
        Graph.Builder b = Graph.builder();
        Node n = b.input("x");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            names.add("relu_" + i);
            n = b.add(names.get(i), Relu.plain(), n);
        }
        Graph g = b.build(n);
        assertEquals(5001, g.nodes().size());
        Tensor x = Tensor.of(new float[] {0.5f, 2f, -1f}, 1, 3);
        assertArrayEquals(new float[] {0.5f, 2f, 0f}, g.predict(x).data());
        Tensor grad = g.record(new Tensor[] {x}, Mode.INFERENCE, List.of("relu_0"), false)
                .backward(Tensor.of(new float[] {1f, -3f, 4f}, 1, 3)).get("relu_0");
        // relu' = 1 on the positive values, which stay positive all the way; 0 after the first relu zeroed it
        assertArrayEquals(new float[] {1f, -3f, 0f}, grad.data());
    }
}
