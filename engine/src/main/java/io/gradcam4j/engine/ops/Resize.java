package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

/**
 * Resizes NHWC images as TensorFlow 2's {@code tf.image.resize} (what Keras's Resizing layer
 * calls), with half-pixel centers and no antialiasing: output pixel {@code o} samples input
 * coordinate {@code (o + 0.5) * in / out - 0.5}. Bilinear interpolates between the two nearest
 * rows and columns (clamped at the border); nearest takes {@code floor((o + 0.5) * in / out)}.
 * The gradient scatters each output gradient back with the same weights.
 */
public final class Resize implements Op {
    /** How output pixels are sampled. */
    public enum Interpolation { BILINEAR, NEAREST }

    private final int outH;
    private final int outW;
    private final Interpolation interpolation;

    public Resize(int outH, int outW, Interpolation interpolation) {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("resize target " + outH + "x" + outW + " must be positive");
        }
        this.outH = outH;
        this.outW = outW;
        this.interpolation = interpolation;
    }

    /**
     * Source taps of each output coordinate along one axis: two indices and the weight of the
     * second (for nearest, both indices are the same). Public so that code resizing a map row by
     * row (the overlay) samples exactly as this op does.
     */
    public record Taps(int[] lo, int[] hi, float[] frac) {
    }

    private Taps taps(int in, int out) {
        return taps(in, out, interpolation);
    }

    /** The taps of {@code out} output coordinates over {@code in} input ones. */
    public static Taps taps(int in, int out, Interpolation interpolation) {
        int[] lo = new int[out];
        int[] hi = new int[out];
        float[] frac = new float[out];
        float scale = (float) in / out;
        for (int o = 0; o < out; o++) {
            if (interpolation == Interpolation.NEAREST) {
                int i = Math.min((int) Math.floor((o + 0.5f) * scale), in - 1);
                lo[o] = Math.max(i, 0);
                hi[o] = lo[o];
            } else {
                float src = (o + 0.5f) * scale - 0.5f;
                float floor = (float) Math.floor(src);
                lo[o] = Math.max((int) floor, 0);
                hi[o] = Math.min((int) Math.ceil(src), in - 1);
                frac[o] = src - floor;
            }
        }
        return new Taps(lo, hi, frac);
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Tensor x = inputs[0];
        x.requireRank(4, "Resizing");
        int n = x.dim(0);
        int h = x.dim(1);
        int w = x.dim(2);
        int c = x.dim(3);
        Taps rows = taps(h, outH);
        Taps cols = taps(w, outW);
        float[] xs = x.data();
        Tensor y = Tensor.zeros(n, outH, outW, c);
        float[] ys = y.data();
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < outH; oy++) {
                float fy = rows.frac()[oy];
                int r0 = (b * h + rows.lo()[oy]) * w;
                int r1 = (b * h + rows.hi()[oy]) * w;
                for (int ox = 0; ox < outW; ox++) {
                    float fx = cols.frac()[ox];
                    int a00 = (r0 + cols.lo()[ox]) * c;
                    int a01 = (r0 + cols.hi()[ox]) * c;
                    int a10 = (r1 + cols.lo()[ox]) * c;
                    int a11 = (r1 + cols.hi()[ox]) * c;
                    int o = ((b * outH + oy) * outW + ox) * c;
                    for (int ch = 0; ch < c; ch++) {
                        float top = xs[a00 + ch] + (xs[a01 + ch] - xs[a00 + ch]) * fx;
                        float bottom = xs[a10 + ch] + (xs[a11 + ch] - xs[a10 + ch]) * fx;
                        ys[o + ch] = top + (bottom - top) * fy;
                    }
                }
            }
        }
        return new Step(y, (dy, weightGrads) -> {
            Tensor dx = Tensor.zerosLike(x);
            float[] d = dx.data();
            float[] g = dy.data();
            for (int b = 0; b < n; b++) {
                for (int oy = 0; oy < outH; oy++) {
                    float fy = rows.frac()[oy];
                    int r0 = (b * h + rows.lo()[oy]) * w;
                    int r1 = (b * h + rows.hi()[oy]) * w;
                    for (int ox = 0; ox < outW; ox++) {
                        float fx = cols.frac()[ox];
                        int o = ((b * outH + oy) * outW + ox) * c;
                        for (int ch = 0; ch < c; ch++) {
                            float v = g[o + ch];
                            d[(r0 + cols.lo()[ox]) * c + ch] += v * (1 - fy) * (1 - fx);
                            d[(r0 + cols.hi()[ox]) * c + ch] += v * (1 - fy) * fx;
                            d[(r1 + cols.lo()[ox]) * c + ch] += v * fy * (1 - fx);
                            d[(r1 + cols.hi()[ox]) * c + ch] += v * fy * fx;
                        }
                    }
                }
            }
            return new Tensor[] {dx};
        });
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        int[] s = inputShapes[0];
        return new int[] {s[0], outH, outW, s[3]};
    }

    @Override
    public String describe() {
        return "Resizing(" + outH + "x" + outW + ", " + interpolation.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
}
