package io.gradcam4j.demo;

import java.util.SplittableRandom;

/**
 * Colour choices for the generated scenes. The one rule that matters: the object must stand out
 * from the background in brightness (luma), not only in hue, or the shape is invisible to a
 * viewer and a label on it is noise.
 */
final class Colours {
    private Colours() {
    }

    static double[] random(SplittableRandom r) {
        return new double[] {r.nextDouble(256), r.nextDouble(256), r.nextDouble(256)};
    }

    static double luma(double[] c) {
        return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
    }

    static double distance(double[] a, double[] b) {
        return Math.sqrt(sq(a[0] - b[0]) + sq(a[1] - b[1]) + sq(a[2] - b[2]));
    }

    static double[] mix(double[] a, double[] b, double t) {
        return new double[] {a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t};
    }

    /** A random colour whose luma lies in {@code [lo, hi]}. */
    static double[] withLuma(SplittableRandom r, double lo, double hi) {
        while (true) {
            double[] c = random(r);
            double l = luma(c);
            if (l >= lo && l <= hi) {
                return c;
            }
        }
    }

    /**
     * A background palette of {@code count} colours inside one band of brightness (dark, middle or
     * light), so that some object colour differs from all of them in luma.
     */
    static double[][] palette(SplittableRandom r, int count) {
        double lo = r.nextDouble(0, 150);
        double hi = lo + 60 + r.nextDouble(50);
        double[][] p = new double[count][];
        for (int i = 0; i < count; i++) {
            p[i] = withLuma(r, lo, Math.min(255, hi));
        }
        return p;
    }

    /**
     * A colour at least {@code lumaGap} away in luma and {@code distance} away in RGB from every
     * colour of {@code palette}; black or white (whichever is farther) if none turns up.
     */
    static double[] awayFrom(SplittableRandom r, double[][] palette, double lumaGap, double distance) {
        for (int attempt = 0; attempt < 400; attempt++) {
            double[] c = random(r);
            boolean ok = true;
            for (double[] p : palette) {
                ok &= Math.abs(luma(c) - luma(p)) >= lumaGap && distance(c, p) >= distance;
            }
            if (ok) {
                return c;
            }
        }
        double mean = 0;
        for (double[] p : palette) {
            mean += luma(p) / palette.length;
        }
        return mean > 128 ? new double[] {12, 12, 16} : new double[] {244, 244, 240};
    }

    private static double sq(double v) {
        return v * v;
    }
}
