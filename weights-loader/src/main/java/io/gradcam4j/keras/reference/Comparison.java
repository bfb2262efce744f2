package io.gradcam4j.keras.reference;

import io.gradcam4j.engine.Tensor;

import java.util.Arrays;

/**
 * How far one computed array is from its reference: the largest absolute difference and the
 * largest reference magnitude, whose ratio is the error DESIGN.md's tolerances apply to.
 */
public record Comparison(String what, double maxAbsDifference, double largestReference, String problem) {

    public static Comparison of(String what, Tensor expected, Tensor actual) {
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            return new Comparison(what, Double.POSITIVE_INFINITY, 0, "shape " + Arrays.toString(actual.shape())
                    + ", reference " + Arrays.toString(expected.shape()));
        }
        float[] e = expected.data();
        float[] a = actual.data();
        double largest = 0;
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            largest = Math.max(largest, Math.abs(e[i]));
            double d = Math.abs((double) e[i] - a[i]);
            worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
        }
        return new Comparison(what, worst, largest, null);
    }

    public static Comparison scalar(String what, double expected, double actual) {
        return new Comparison(what, Math.abs(expected - actual), Math.abs(expected), null);
    }

    /** Largest difference relative to the largest reference magnitude (absolute below 1e-6). */
    public double relativeError() {
        return maxAbsDifference / Math.max(largestReference, 1e-6);
    }

    public boolean within(double tolerance) {
        return problem == null && relativeError() <= tolerance;
    }

    @Override
    public String toString() {
        return problem != null ? what + ": " + problem
                : String.format("%s: max |difference| %.3g, relative %.3g", what, maxAbsDifference, relativeError());
    }
}
