package io.gradcam4j.cam.metrics;

/**
 * The structural similarity index (SSIM, Wang et al. 2004) of two maps, as scikit-image's
 * {@code structural_similarity} computes it with its defaults and Quantus's {@code ssim}
 * (quantus/functions/similarity_func.py) calls it: a 7 x 7 uniform window, {@code K1 = 0.01},
 * {@code K2 = 0.03}, sample covariances ({@code 49 / 48} times the window's), and
 * {@code data_range} the largest minus the smallest value of both maps (Quantus's choice); the
 * index at each pixel whose whole window lies inside the map,
 * {@code (2 ux uy + C1)(2 vxy + C2) / ((ux^2 + uy^2 + C1)(vx + vy + C2))} with
 * {@code C1 = (K1 L)^2}, {@code C2 = (K2 L)^2}, averaged over those pixels. In double precision.
 * Two equal constant maps (no data range) are identical: 1.
 */
final class StructuralSimilarity {
    static final int WINDOW = 7;
    private static final double K1 = 0.01;
    private static final double K2 = 0.03;

    private StructuralSimilarity() {
    }

    /** @param a row-major h x w, as {@code b}; both sides at least 7 */
    static double of(float[] a, float[] b, int h, int w) {
        if (a.length != h * w || b.length != h * w) {
            throw new IllegalArgumentException("maps of " + a.length + " and " + b.length + " values are not " + h + "x" + w);
        }
        if (h < WINDOW || w < WINDOW) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("SSIM needs maps of at least " + WINDOW + "x"
                    + WINDOW + " pixels (its window), got " + h + "x" + w);
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < a.length; i++) {
            min = Math.min(min, Math.min(a[i], b[i]));
            max = Math.max(max, Math.max(a[i], b[i]));
        }
        double range = max - min;
        if (range == 0) {
            return 1;
        }
        double c1 = (K1 * range) * (K1 * range);
        double c2 = (K2 * range) * (K2 * range);
        int n = WINDOW * WINDOW;
        double covNorm = n / (n - 1.0);
        int pad = WINDOW / 2;
        double sum = 0;
        for (int y = pad; y < h - pad; y++) {
            for (int x = pad; x < w - pad; x++) {
                double sa = 0;
                double sb = 0;
                double saa = 0;
                double sbb = 0;
                double sab = 0;
                for (int dy = -pad; dy <= pad; dy++) {
                    int row = (y + dy) * w;
                    for (int dx = -pad; dx <= pad; dx++) {
                        double va = a[row + x + dx];
                        double vb = b[row + x + dx];
                        sa += va;
                        sb += vb;
                        saa += va * va;
                        sbb += vb * vb;
                        sab += va * vb;
                    }
                }
                double ux = sa / n;
                double uy = sb / n;
                double vx = covNorm * (saa / n - ux * ux);
                double vy = covNorm * (sbb / n - uy * uy);
                double vxy = covNorm * (sab / n - ux * uy);
                sum += (2 * ux * uy + c1) * (2 * vxy + c2) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
            }
        }
        return sum / ((double) (h - 2 * pad) * (w - 2 * pad));
    }
}
