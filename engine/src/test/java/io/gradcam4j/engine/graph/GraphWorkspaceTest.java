package io.gradcam4j.engine.graph;

import io.gradcam4j.engine.GradientCheck;
import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.ops.Add;
import io.gradcam4j.engine.ops.Identity;
import io.gradcam4j.engine.ops.Relu;
import io.gradcam4j.engine.ops.Reshape;
import io.gradcam4j.engine.ops.Tanh;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The executor reuses dead activations in later runs: values that are views of others (Reshape,
 * Identity), tapped values, the caller's input and earlier outputs must never be overwritten.
 * Expected values are computed here elementwise, without the graph.
 */
class GraphWorkspaceTest {

    private static float relu(float v) {
        return Math.max(v, 0f);
    }

    /**
     * A chain whose intermediate results include a view of another one (relu, flatten, reshape
     * back, tanh), added to the input: the intermediates are reused in later runs, once each.
     */
    @Test
    void chainIntermediatesAreReusedOnlyWhenDead() {
        Graph.Builder b = Graph.builder();
        Node in = b.input("input");
        Node chain = b.add("chain", io.gradcam4j.engine.ops.Chain.of(Relu.plain(), new Reshape(-1),
                new Reshape(32, 32, 8), new Tanh()), in);
        Graph g = b.build(b.add("sum", new Add(), chain, in));
        Random r = new Random(8);
        for (int run = 0; run < 4; run++) {
            Tensor x = GradientCheck.random(r, -1f, 1f, 1, 32, 32, 8);
            float[] xs = x.data().clone();
            float[] expected = new float[xs.length];
            for (int i = 0; i < xs.length; i++) {
                expected[i] = (float) Math.tanh(relu(xs[i])) + xs[i];
            }
            assertArrayEquals(expected, g.predict(x).data(), 1e-6f, "run " + run);
            assertArrayEquals(xs, x.data(), "the caller's input of run " + run);
        }
    }

    /** A service shares one model between threads: their runs share the workspace, never an array. */
    @Test
    void threadsRunningOneGraphNeverShareAnArray() throws Exception {
        Graph g = viewsEverywhere();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    Random r = new Random(100 + seed);
                    for (int run = 0; run < 25; run++) {
                        Tensor x = GradientCheck.random(r, -1f, 1f, 1, 32, 32, 8);
                        float[] expected = expected(x.data().clone());
                        float[] actual = g.predict(x).data();
                        for (int i = 0; i < expected.length; i++) {
                            if (Math.abs(expected[i] - actual[i]) > 1e-6f) {
                                return "thread " + seed + " run " + run + " index " + i + ": " + actual[i]
                                        + " instead of " + expected[i];
                            }
                        }
                    }
                    return "";
                }));
            }
            for (java.util.concurrent.Future<String> f : results) {
                org.junit.jupiter.api.Assertions.assertEquals("", f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** input -> same (Identity) -> flat (Reshape view) -> act (ReLU) -> back (Reshape) -> out = tanh(back + same). */
    private static Graph viewsEverywhere() {
        Graph.Builder b = Graph.builder();
        Node in = b.input("input");
        Node same = b.add("same", new Identity("identity"), in);
        Node flat = b.add("flat", new Reshape(-1), same);
        Node act = b.add("act", Relu.plain(), flat);
        Node back = b.add("back", new Reshape(32, 32, 8), act);
        Node sum = b.add("sum", new Add(), back, same);
        return b.build(b.add("out", new Tanh(), sum));
    }

    private static float[] expected(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) Math.tanh(relu(x[i]) + x[i]);
        }
        return y;
    }

    @Test
    void reusedArraysNeverOverwriteLiveValuesInputsOrTaps() {
        Graph g = viewsEverywhere();
        Random r = new Random(4);
        Tensor x1 = GradientCheck.random(r, -1f, 1f, 1, 32, 32, 8);
        float[] x1Before = x1.data().clone();
        Recording first = g.record(new Tensor[] {x1}, Mode.INFERENCE, List.of("flat", "act"), false);
        float[] flat1 = first.value("flat").data().clone();
        float[] act1 = first.value("act").data().clone();
        float[] out1 = first.output().data().clone();
        for (int run = 0; run < 3; run++) {
            Tensor x = GradientCheck.random(r, -1f, 1f, 1, 32, 32, 8);
            float[] xBefore = x.data().clone();
            assertArrayEquals(expected(xBefore), g.predict(x).data(), 1e-6f, "run " + run);
            assertArrayEquals(xBefore, x.data(), "the caller's input of run " + run);
        }
        assertArrayEquals(x1Before, x1.data(), "the first input");
        assertArrayEquals(flat1, first.value("flat").data(), "a tapped view of the input");
        assertArrayEquals(act1, first.value("act").data(), "a tapped activation");
        assertArrayEquals(out1, first.output().data(), "an earlier output");
        assertArrayEquals(expected(x1Before), out1, 1e-6f, "the first output");
    }
}
