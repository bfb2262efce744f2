package io.gradcam4j.engine.graph;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.errors.InvalidRequestException;
import io.gradcam4j.engine.ops.Chain;
import io.gradcam4j.engine.ops.Concatenate;
import io.gradcam4j.engine.ops.MatMul;
import io.gradcam4j.engine.ops.Sigmoid;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Graphs with several inputs and several outputs, on a model small enough to write out: two
 * inputs, an image x (N, 2) and a metadata value m (N, 1), joined as h = [x0, x1, m]; a
 * regression head {@code value} = v . h and a one-unit sigmoid head {@code label} = sigmoid(u . h),
 * and {@code twice} = 2 {@code value}, an output read by no one, after an output read by it.
 */
class SeveralHeadsTest {
    private static final float[] V = {0.5f, -1.0f, 2.0f};
    private static final float[] U = {1.5f, 0.25f, -0.75f};

    private final Graph graph = build();

    private static Graph build() {
        Graph.Builder b = Graph.builder();
        Node x = b.input("x");
        Node m = b.input("m");
        Node h = b.add("h", new Concatenate(-1), x, m);
        Node value = b.add("value", new MatMul(param("v", V)), h);
        Node label = b.add("label", Chain.of(new MatMul(param("u", U)), new Sigmoid()), h);
        Node twice = b.add("twice", new MatMul(param("two", new float[] {2f})), value);
        return b.build(List.of(value, label, twice));
    }

    private static Param param(String name, float[] column) {
        return new Param(name, Tensor.of(column.clone(), column.length, 1), false);
    }

    private static double dot(float[] w, float x0, float x1, float m) {
        return w[0] * (double) x0 + w[1] * (double) x1 + w[2] * (double) m;
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    @Test
    void everyOutputComesFromOnePassInOrder() {
        Tensor x = Tensor.of(new float[] {1f, 2f, -0.5f, 0.25f}, 2, 2);
        Tensor m = Tensor.of(new float[] {3f, -1f}, 2, 1);
        Map<String, Tensor> out = graph.predictAll(x, m);
        assertEquals(List.of("value", "label", "twice"), List.copyOf(out.keySet()));
        for (int i = 0; i < 2; i++) {
            float x0 = x.data()[2 * i];
            float x1 = x.data()[2 * i + 1];
            float mi = m.data()[i];
            assertEquals(dot(V, x0, x1, mi), out.get("value").data()[i], 1e-6);
            assertEquals(sigmoid(dot(U, x0, x1, mi)), out.get("label").data()[i], 1e-6);
            // "value" is also read by "twice": its array must not have been given back and reused
            assertEquals(2 * dot(V, x0, x1, mi), out.get("twice").data()[i], 1e-6);
        }
        assertEquals("value", graph.output().name());
        assertArrayEquals(out.get("value").data(), graph.predict(x, m).data());
    }

    @Test
    void aHeadViewRunsOnlyItsOwnBranch() {
        Graph label = graph.withOutput("label");
        assertSame(label, graph.withOutput("label"));
        assertEquals("label", label.output().name());
        assertTrue(label.nodes().stream().noneMatch(n -> n.name().equals("value")));
        assertEquals(List.of("x", "m"), label.inputs().stream().map(Node::name).toList());
    }

    @Test
    void anUnknownOutputIsRefusedWithTheValidNames() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> graph.withOutput("age"));
        assertTrue(e.getMessage().contains("value, label, twice"), e.getMessage());
    }

    /** One unit of sigmoid is two classes: logits (-z, z), probabilities (1 - p, p), gradients -u and u. */
    @Test
    void aOneUnitSigmoidHeadHasTwoClasses() {
        Graph label = graph.withOutput("label");
        Graph logits = label.withoutFinalActivation().orElseThrow();
        Tensor x = Tensor.of(new float[] {0.3f, -0.6f}, 1, 2);
        Tensor m = Tensor.of(new float[] {0.9f}, 1, 1);
        double z = dot(U, 0.3f, -0.6f, 0.9f);
        Recording r = logits.record(new Tensor[] {x, m}, Mode.INFERENCE, List.of("x"), false);
        assertArrayEquals(new int[] {1, 2}, r.output().shape());
        assertEquals(-z, r.output().data()[0], 1e-6);
        assertEquals(z, r.output().data()[1], 1e-6);
        float[] p = label.finalActivation().orElseThrow().apply(r.output()).data();
        assertEquals(1 - sigmoid(z), p[0], 1e-6);
        assertEquals(sigmoid(z), p[1], 1e-6);
        float[] class1 = r.backward(Tensor.of(new float[] {0f, 1f}, 1, 2)).get("x").data();
        float[] class0 = r.backward(Tensor.of(new float[] {1f, 0f}, 1, 2)).get("x").data();
        for (int i = 0; i < 2; i++) {
            assertEquals(U[i], class1[i], 1e-6);
            assertEquals(-U[i], class0[i], 1e-6);
        }
    }

    @Test
    void aHeadWithoutActivationIsItsOwnLogits() {
        assertTrue(graph.withOutput("value").withoutFinalActivation().isEmpty());
    }

    /** m held at 3: the graph takes x alone, for any batch, and gives what the full graph gives with m = 3. */
    @Test
    void aHeldInputIsRepeatedForEveryImageAndPassesNoGradient() {
        Graph held = graph.withFixedInputs(Map.of("m", Tensor.of(new float[] {3f}, 1, 1)));
        assertEquals(List.of("x"), held.inputs().stream().map(Node::name).toList());
        Tensor x = Tensor.of(new float[] {1f, 2f, -0.5f, 0.25f, 4f, 0f}, 3, 2);
        Map<String, Tensor> out = held.predictAll(x);
        for (int i = 0; i < 3; i++) {
            assertEquals(dot(V, x.data()[2 * i], x.data()[2 * i + 1], 3f), out.get("value").data()[i], 1e-6);
        }
        assertArrayEquals(new int[] {3, 1}, held.outputShapes(x).get("label"));
        Recording r = held.withOutput("value").record(new Tensor[] {x}, Mode.INFERENCE, List.of("x"), false);
        float[] g = r.backward(Tensor.of(new float[] {1f, 1f, 1f}, 3, 1)).get("x").data();
        for (int i = 0; i < 3; i++) {
            assertEquals(V[0], g[2 * i], 1e-6);
            assertEquals(V[1], g[2 * i + 1], 1e-6);
        }
    }

    @Test
    void heldInputsAreCheckedByName() {
        Tensor one = Tensor.of(new float[] {3f}, 1, 1);
        assertThrows(InvalidRequestException.class, () -> graph.withFixedInputs(Map.of("meta", one)));
        assertThrows(InvalidRequestException.class, () -> graph.withFixedInputs(Map.of("m", one, "x",
                Tensor.of(new float[] {1f, 2f}, 1, 2))));
        assertThrows(InvalidRequestException.class, () -> graph.withFixedInputs(Map.of("m",
                Tensor.of(new float[] {3f, 4f}, 2, 1))));
    }
}
