package io.gradcam4j.cam;

/**
 * Image resizing exactly as Pillow does it (Resample.c, Geometry.c of Pillow 9), which is what
 * {@code keras.utils.load_img} calls: nearest by an affine scan in double precision, bilinear by
 * two separable passes (horizontal, then vertical) of a triangle filter widened when shrinking
 * (antialiasing), in fixed point with rounding to 8 bits after each pass for 8-bit images, in
 * double with round-half-up for 32-bit integer images (16-bit PNGs).
 *
 * <p>Pixels are planar per channel: {@code src[c][y * w + x]}.
 */
final class PilResize {
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PilResize() {
    }

    /**
     * @param box the source region {x0, y0, x1, y1} to resize (Pillow's {@code box}); the whole
     *     image when it is {0, 0, w, h}
     * @param wide32 whether the pixels are 32-bit integers (Pillow mode I) rather than 8-bit
     */
    static int[][] resize(int[][] src, int w, int h, int outW, int outH, double[] box, boolean bilinear,
                          boolean wide32) {
        if (outW == w && outH == h && box[0] == 0 && box[1] == 0 && box[2] == w && box[3] == h) {
            int[][] copy = new int[src.length][];
            for (int c = 0; c < src.length; c++) {
                copy[c] = src[c].clone();
            }
            return copy;
        }
        return bilinear ? bilinear(src, w, h, outW, outH, box, wide32) : nearest(src, w, h, outW, outH, box);
    }

    /** ImagingScaleAffine: source coordinate box0 + (x + 0.5) * scale, accumulated in double. */
    private static int[][] nearest(int[][] src, int w, int h, int outW, int outH, double[] box) {
        double a0 = (box[2] - box[0]) / outW;
        double a4 = (box[3] - box[1]) / outH;
        int[] xin = new int[outW];
        double xo = box[0] + a0 * 0.5;
        for (int x = 0; x < outW; x++) {
            xin[x] = coord(xo);
            xo += a0;
        }
        int[][] out = new int[src.length][outW * outH];
        double yo = box[1] + a4 * 0.5;
        for (int y = 0; y < outH; y++) {
            int yi = coord(yo);
            yo += a4;
            if (yi < 0 || yi >= h) {
                continue;      // Pillow fills with 0 outside the source
            }
            for (int x = 0; x < outW; x++) {
                if (xin[x] >= 0 && xin[x] < w) {
                    for (int c = 0; c < src.length; c++) {
                        out[c][y * outW + x] = src[c][yi * w + xin[x]];
                    }
                }
            }
        }
        return out;
    }

    private static int coord(double v) {
        return v < 0.0 ? -1 : (int) v;
    }

    /** Per output pixel: first source index, number of taps, and the taps' weights. */
    private record Coefficients(int[] first, int[] count, double[][] weights) {
    }

    private static Coefficients coefficients(int inSize, double in0, double in1, int outSize) {
        double scale = (in1 - in0) / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale;            // the bilinear filter's support is 1
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        double[][] weights = new double[outSize][];
        for (int xx = 0; xx < outSize; xx++) {
            double center = in0 + (xx + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double[] k = new double[Math.max(xmax, 0)];
            double ww = 0;
            double ss = 1.0 / filterScale;       // multiplied, not divided: Pillow's rounding
            for (int x = 0; x < xmax; x++) {
                double t = Math.abs((x + xmin - center + 0.5) * ss);
                k[x] = t < 1.0 ? 1.0 - t : 0.0;
                ww += k[x];
            }
            for (int x = 0; x < xmax; x++) {
                if (ww != 0.0) {
                    k[x] /= ww;
                }
            }
            first[xx] = xmin;
            count[xx] = Math.max(xmax, 0);
            weights[xx] = k;
        }
        return new Coefficients(first, count, weights);
    }

    private static int[][] bilinear(int[][] src, int w, int h, int outW, int outH, double[] box, boolean wide32) {
        // Pillow's quirk, kept: the right/bottom box edge is compared with the OUTPUT size.
        boolean horizontal = outW != w || box[0] != 0 || box[2] != outW;
        boolean vertical = outH != h || box[1] != 0 || box[3] != outH;
        Coefficients cx = coefficients(w, box[0], box[2], outW);
        Coefficients cy = coefficients(h, box[1], box[3], outH);
        int yFirst = cy.first()[0];
        int yLast = cy.first()[outH - 1] + cy.count()[outH - 1];
        int[][] img = src;
        int curW = w;
        int rowOffset = 0;
        if (horizontal) {
            int rows = yLast - yFirst;
            int[][] tmp = new int[src.length][outW * rows];
            for (int c = 0; c < src.length; c++) {
                for (int y = 0; y < rows; y++) {
                    for (int xx = 0; xx < outW; xx++) {
                        tmp[c][y * outW + xx] = tap(src[c], (y + yFirst) * w, 1, cx, xx, wide32);
                    }
                }
            }
            img = tmp;
            curW = outW;
            rowOffset = yFirst;
        }
        if (!vertical) {
            return img;
        }
        int[][] out = new int[src.length][curW * outH];
        for (int c = 0; c < src.length; c++) {
            for (int yy = 0; yy < outH; yy++) {
                for (int xx = 0; xx < curW; xx++) {
                    out[c][yy * curW + xx] = tapVertical(img[c], curW, xx, cy, yy, rowOffset, wide32);
                }
            }
        }
        return out;
    }

    private static int tap(int[] row, int rowStart, int stride, Coefficients k, int xx, boolean wide32) {
        double[] weights = k.weights()[xx];
        int first = k.first()[xx];
        if (wide32) {
            double ss = 0;
            for (int x = 0; x < weights.length; x++) {
                ss += row[rowStart + (first + x) * stride] * weights[x];
            }
            return roundUp(ss);
        }
        long ss = 1L << (PRECISION_BITS - 1);
        for (int x = 0; x < weights.length; x++) {
            ss += (long) row[rowStart + (first + x) * stride] * fixed(weights[x]);
        }
        return clip8(ss);
    }

    private static int tapVertical(int[] img, int width, int xx, Coefficients k, int yy, int rowOffset,
                                   boolean wide32) {
        double[] weights = k.weights()[yy];
        int first = k.first()[yy] - rowOffset;
        if (wide32) {
            double ss = 0;
            for (int y = 0; y < weights.length; y++) {
                ss += img[(first + y) * width + xx] * weights[y];
            }
            return roundUp(ss);
        }
        long ss = 1L << (PRECISION_BITS - 1);
        for (int y = 0; y < weights.length; y++) {
            ss += (long) img[(first + y) * width + xx] * fixed(weights[y]);
        }
        return clip8(ss);
    }

    private static int fixed(double k) {
        return k < 0 ? (int) (-0.5 + k * (1 << PRECISION_BITS)) : (int) (0.5 + k * (1 << PRECISION_BITS));
    }

    private static int clip8(long ss) {
        if (ss >= (1L << PRECISION_BITS << 8)) {
            return 255;
        }
        if (ss <= 0) {
            return 0;
        }
        return (int) (ss >> PRECISION_BITS);
    }

    private static int roundUp(double f) {
        return (int) (f >= 0.0 ? Math.floor(f + 0.5) : -Math.floor(Math.abs(f) + 0.5));
    }
}
