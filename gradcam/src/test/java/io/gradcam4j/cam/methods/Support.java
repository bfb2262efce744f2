package io.gradcam4j.cam.methods;

import io.gradcam4j.cam.Explanation;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.engine.GradientCheck;
import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Recording;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the method tests share: random tensors, the tapped activations and logit gradients of a
 * graph read straight from the engine ({@code record} + {@code backward}, not through the
 * methods), one-call explanations and comparisons of double references with float maps.
 */
final class Support {

    private Support() {
    }

    static Tensor rand(Random r, float lo, float hi, int... shape) {
        return GradientCheck.random(r, lo, hi, shape);
    }

    static Param param(String name, Tensor value) {
        return new Param(name, value, true);
    }

    /** The graph the methods run: the model without its final softmax or sigmoid. */
    static Graph logitsGraph(Graph g) {
        return g.withoutFinalActivation().orElse(g);
    }

    /** One inference pass of the logits graph with {@code taps} kept. */
    static Recording record(Graph g, Tensor x, String... taps) {
        return logitsGraph(g).record(new Tensor[] {x}, Mode.INFERENCE, List.of(taps), false);
    }

    /** d logit[cls] / d tap for a batch of one. */
    static Map<String, Tensor> logitGradients(Graph g, Tensor x, int cls, String... taps) {
        Recording r = record(g, x, taps);
        Tensor seed = Tensor.zeros(r.output().shape());
        seed.data()[cls] = 1f;
        return r.backward(seed);
    }

    /** The logits (the model's output when it has no final activation) of a batch of one. */
    static float[] logits(Graph g, Tensor x) {
        return logitsGraph(g).predict(x).data();
    }

    static ExplainRequest request(List<String> layers, List<Integer> classes, ScoreKind kind, MethodOptions o) {
        return new ExplainRequest(layers, p -> classes, kind, o, null, null);
    }

    /** One image, one method, fixed classes. */
    static Explanation explain(String method, Graph g, Tensor image, String layer, List<Integer> classes,
                               ScoreKind kind, MethodOptions o) {
        return Methods.byName(method).explain(g, image,
                request(layer == null ? List.of() : List.of(layer), classes, kind, o)).get(0);
    }

    static Explanation explain(String method, Graph g, Tensor image, String layer, int cls) {
        return explain(method, g, image, layer, List.of(cls), ScoreKind.LOGIT, MethodOptions.defaults());
    }

    static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    static double[] relu(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.max(v[i], 0);
        }
        return r;
    }

    /**
     * Every {@code |expected - actual| <= rel * max|expected|} (an absolute floor of 1e-9 when
     * the expected values are all zero); {@code rel = 0} asks for equality as floats.
     */
    static void assertClose(double[] expected, float[] actual, double rel, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        if (rel == 0) {
            for (int i = 0; i < expected.length; i++) {
                assertEquals((float) expected[i], actual[i], what + " at " + i);
            }
            return;
        }
        double scale = maxAbs(expected);
        double tol = scale > 0 ? rel * scale : 1e-9;
        double worst = 0;
        int at = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        if (!(worst <= tol)) {
            fail(what + ": largest difference " + worst + " at " + at + " (expected " + expected[at] + ", got "
                    + actual[at] + "), tolerance " + tol);
        }
    }

    static void assertClose(float[] expected, float[] actual, double rel, String what) {
        assertClose(toDouble(expected), actual, rel, what);
    }

    /** {@code v / max(v)}, as the CAM family normalises a non-negative map. */
    static double[] dividedByMax(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, x);
        }
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[i] / m;
        }
        return r;
    }

    static void assertFinite(float[] v, String what) {
        if (v == null) {
            return;
        }
        for (int i = 0; i < v.length; i++) {
            assertTrue(Float.isFinite(v[i]), what + "[" + i + "] = " + v[i]);
        }
    }

    /** Channels last, one image: values of channel {@code c} of an h x w x k array. */
    static double[] channel(float[] a, int pixels, int k, int c) {
        double[] r = new double[pixels];
        for (int p = 0; p < pixels; p++) {
            r[p] = a[p * k + c];
        }
        return r;
    }
}
