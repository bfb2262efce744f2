package io.gradcam4j.cam.metrics;

import java.util.Arrays;

/**
 * Spearman's rank correlation of two maps of equal size, as {@code scipy.stats.spearmanr} (which
 * Quantus's {@code correlation_spearman} calls): Pearson's correlation of the values' ranks, tied
 * values sharing their mean rank. When either map is constant its ranks do not vary and scipy
 * returns nan; here that is 0, no monotone relation (the caller says why).
 */
final class SpearmanCorrelation {

    private SpearmanCorrelation() {
    }

    static double of(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("maps of " + a.length + " and " + b.length + " values");
        }
        double[] ra = ranks(a);
        double[] rb = ranks(b);
        double mean = (a.length + 1) / 2.0;   // the mean of the ranks 1..n, ties or not
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < ra.length; i++) {
            ab += (ra[i] - mean) * (rb[i] - mean);
            aa += (ra[i] - mean) * (ra[i] - mean);
            bb += (rb[i] - mean) * (rb[i] - mean);
        }
        if (aa == 0 || bb == 0) {
            return 0;
        }
        return ab / Math.sqrt(aa * bb);
    }

    /** Ranks 1..n by increasing value, the mean rank for equal values (scipy's {@code rankdata}). */
    static double[] ranks(float[] v) {
        long[] keys = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            keys[i] = ((long) sortable(v[i]) << 32) | i;   // by value, then by index
        }
        Arrays.sort(keys);
        double[] r = new double[v.length];
        for (int i = 0; i < keys.length; ) {
            int j = i;
            while (j + 1 < keys.length && (keys[j + 1] >>> 32) == (keys[i] >>> 32)) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[(int) keys[k]] = rank;
            }
            i = j + 1;
        }
        return r;
    }

    /** An int that orders as the float does (-0 and 0 equal, NaN refused): negative floats' magnitude bits flipped. */
    private static int sortable(float f) {
        if (Float.isNaN(f)) {
            throw new IllegalArgumentException("a map holds NaN");
        }
        int bits = Float.floatToIntBits(f == 0f ? 0f : f);
        return bits >= 0 ? bits : bits ^ Integer.MAX_VALUE;
    }
}
