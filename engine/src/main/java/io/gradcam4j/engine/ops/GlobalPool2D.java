package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

/**
 * GlobalAveragePooling2D and GlobalMaxPooling2D: one value per image and channel, shaped
 * (N, C), or (N, 1, 1, C) with {@code keepdims}. The max gradient is shared equally among tied
 * maxima, as TensorFlow's reduce_max does (ties are common after a ReLU).
 */
public final class GlobalPool2D implements Op {
    /** Which reduction. */
    public enum Kind { AVERAGE, MAX }

    private final Kind kind;
    private final boolean keepDims;

    public GlobalPool2D(Kind kind, boolean keepDims) {
        this.kind = kind;
        this.keepDims = keepDims;
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Tensor x = inputs[0];
        x.requireRank(4, describe());
        int n = x.dim(0);
        int pixels = x.dim(1) * x.dim(2);
        int c = x.dim(3);
        float[] xs = x.data();
        float[] out = new float[n * c];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                out[b * c + ch] = kind == Kind.MAX ? Float.NEGATIVE_INFINITY : 0f;
            }
            double[] sum = new double[c];
            for (int p = 0; p < pixels; p++) {
                int off = (b * pixels + p) * c;
                for (int ch = 0; ch < c; ch++) {
                    if (kind == Kind.MAX) {
                        out[b * c + ch] = Math.max(out[b * c + ch], xs[off + ch]);
                    } else {
                        sum[ch] += xs[off + ch];
                    }
                }
            }
            if (kind == Kind.AVERAGE) {
                for (int ch = 0; ch < c; ch++) {
                    out[b * c + ch] = (float) (sum[ch] / pixels);
                }
            }
        }
        Tensor y = keepDims ? Tensor.of(out, n, 1, 1, c) : Tensor.of(out, n, c);
        return new Step(y, (dy, weightGrads) -> {
            Tensor dx = Tensor.zerosLike(x);
            if (kind == Kind.MAX) {
                spreadOverMaxima(xs, out, dy.data(), dx.data(), n, pixels, c);
            } else {
                spreadEvenly(dy.data(), dx.data(), n, pixels, c);
            }
            return new Tensor[] {dx};
        });
    }

    private static void spreadEvenly(float[] g, float[] d, int n, int pixels, int c) {
        for (int b = 0; b < n; b++) {
            for (int p = 0; p < pixels; p++) {
                int off = (b * pixels + p) * c;
                for (int ch = 0; ch < c; ch++) {
                    d[off + ch] = g[b * c + ch] / pixels;
                }
            }
        }
    }

    private static void spreadOverMaxima(float[] xs, float[] max, float[] g, float[] d, int n, int pixels, int c) {
        int[] ties = new int[c];
        for (int b = 0; b < n; b++) {
            java.util.Arrays.fill(ties, 0);
            for (int p = 0; p < pixels; p++) {
                int off = (b * pixels + p) * c;
                for (int ch = 0; ch < c; ch++) {
                    ties[ch] += xs[off + ch] == max[b * c + ch] ? 1 : 0;
                }
            }
            for (int p = 0; p < pixels; p++) {
                int off = (b * pixels + p) * c;
                for (int ch = 0; ch < c; ch++) {
                    if (xs[off + ch] == max[b * c + ch]) {
                        d[off + ch] = g[b * c + ch] / ties[ch];
                    }
                }
            }
        }
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        int[] s = inputShapes[0];
        return keepDims ? new int[] {s[0], 1, 1, s[3]} : new int[] {s[0], s[3]};
    }

    @Override
    public String describe() {
        return (kind == Kind.MAX ? "GlobalMaxPooling2D" : "GlobalAveragePooling2D") + (keepDims ? "(keepdims)" : "");
    }
}
