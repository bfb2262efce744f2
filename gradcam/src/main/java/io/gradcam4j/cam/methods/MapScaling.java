package io.gradcam4j.cam.methods;

import io.gradcam4j.cam.CamStatus;

/**
 * How a raw map becomes the map that is drawn, and its status (docs/METHODS.md, "The map, its
 * normalisation and its status"). Nothing here lets a NaN through: a non-finite cell is zero.
 */
final class MapScaling {

    /** A map ready for a {@link io.gradcam4j.cam.ClassMap}: raw values, largest magnitude, drawn values, status. */
    record Scaled(float[] cam, float maxValue, float[] normalized, CamStatus status) {
    }

    private MapScaling() {
    }

    /** A CAM map: ReLU, then divided by its maximum (the Keras example's rule). */
    static Scaled positive(double[] raw, boolean zeroGradient) {
        double[] m = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            m[i] = Double.isFinite(raw[i]) ? Math.max(raw[i], 0) : 0;
        }
        return byLargestMagnitude(m, zeroGradient);
    }

    /** A signed map (no ReLU): divided by its largest magnitude, in [-1, 1]. */
    static Scaled signed(double[] raw, boolean zeroGradient) {
        double[] m = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            m[i] = Double.isFinite(raw[i]) ? raw[i] : 0;
        }
        return byLargestMagnitude(m, zeroGradient);
    }

    private static Scaled byLargestMagnitude(double[] m, boolean zeroGradient) {
        double max = 0;
        for (double v : m) {
            max = Math.max(max, Math.abs(v));
        }
        CamStatus status = status(m, max, zeroGradient);
        float[] normalized = new float[m.length];
        if (status.drawable()) {
            for (int i = 0; i < m.length; i++) {
                normalized[i] = (float) (m[i] / max);
            }
        }
        return new Scaled(toFloat(m), (float) max, normalized, status);
    }

    /**
     * An input-space map (the attribution summed over channels): Captum's default picture,
     * {@code min(|cam| / t, 1)} with {@code t} its 98 % cumulative-sum threshold.
     */
    static Scaled captumAbsolute(double[] raw, boolean zeroGradient) {
        double[] m = new double[raw.length];
        double[] magnitude = new double[raw.length];
        double max = 0;
        for (int i = 0; i < raw.length; i++) {
            m[i] = Double.isFinite(raw[i]) ? raw[i] : 0;
            magnitude[i] = Math.abs(m[i]);
            max = Math.max(max, magnitude[i]);
        }
        CamStatus status = status(magnitude, max, zeroGradient);
        float[] normalized = new float[m.length];
        if (status.drawable()) {
            double t = cumulativeSumThreshold(magnitude, 0.98);
            for (int i = 0; i < m.length; i++) {
                normalized[i] = (float) Math.min(magnitude[i] / t, 1.0);
            }
        }
        return new Scaled(toFloat(m), (float) max, normalized, status);
    }

    /** Captum's {@code _cumulative_sum_threshold}: the sorted value where the running sum reaches {@code share} of the total. */
    static double cumulativeSumThreshold(double[] nonNegative, double share) {
        double[] sorted = nonNegative.clone();
        java.util.Arrays.sort(sorted);
        double total = 0;
        for (double v : sorted) {
            total += v;
        }
        double sum = 0;
        for (double v : sorted) {
            sum += v;
            if (sum >= total * share) {
                return v;
            }
        }
        return sorted[sorted.length - 1];
    }

    private static CamStatus status(double[] m, double max, boolean zeroGradient) {
        if (zeroGradient) {
            return CamStatus.ZERO_GRADIENT;
        }
        if (!(max > 0) || !Double.isFinite(max)) {
            return CamStatus.NO_POSITIVE_EVIDENCE;
        }
        for (double v : m) {
            if (v != m[0]) {
                return CamStatus.OK;
            }
        }
        return CamStatus.FLAT_MAP;
    }

    private static float[] toFloat(double[] m) {
        float[] f = new float[m.length];
        for (int i = 0; i < m.length; i++) {
            f[i] = (float) m[i];
        }
        return f;
    }

    /** Whether every value is zero. */
    static boolean allZero(float[] v) {
        for (float x : v) {
            if (x != 0f) {
                return false;
            }
        }
        return true;
    }
}
