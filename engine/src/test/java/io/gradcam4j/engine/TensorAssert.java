package io.gradcam4j.engine;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Comparison with a reference: the largest absolute difference must not exceed
 * {@code relative} times the largest reference magnitude (DESIGN.md's tolerance rule).
 */
public final class TensorAssert {
    private TensorAssert() {
    }

    public static void assertClose(Tensor expected, Tensor actual, double relative, String what) {
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            fail(what + ": shape " + Arrays.toString(actual.shape()) + ", reference " + Arrays.toString(expected.shape()));
        }
        float[] e = expected.data();
        float[] a = actual.data();
        double largest = 0;
        for (float v : e) {
            largest = Math.max(largest, Math.abs(v));
        }
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs((double) e[i] - a[i]);
            if (!(d <= worst)) {     // also catches NaN
                worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                worstAt = i;
            }
        }
        double allowed = relative * Math.max(largest, 1e-6);
        if (worst > allowed) {
            fail(String.format("%s: max |difference| %.3g at index %d (got %.7g, reference %.7g) exceeds %.3g "
                    + "(= %.0e x largest reference magnitude %.4g)", what, worst, worstAt, a[worstAt], e[worstAt],
                    allowed, relative, largest));
        }
    }
}
