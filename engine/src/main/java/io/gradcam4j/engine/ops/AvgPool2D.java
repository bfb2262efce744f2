package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.kernels.Parallel;
import io.gradcam4j.engine.kernels.WindowGeometry;

/**
 * Average pooling as Keras computes it: with {@code same} padding each window is averaged over
 * its valid cells only (padding is excluded from the count). The gradient divides by the same
 * count.
 */
public final class AvgPool2D implements Op {
    private final int[] pool;
    private final int[] strides;
    private final Padding padding;

    public AvgPool2D(int[] pool, int[] strides, Padding padding) {
        this.pool = pool.clone();
        this.strides = strides.clone();
        this.padding = padding;
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Tensor x = inputs[0];
        x.requireRank(4, "AveragePooling2D");
        WindowGeometry g = WindowGeometry.of(x.shape(), pool[0], pool[1], strides[0], strides[1], 1, 1, padding);
        int c = g.channels();
        Tensor y = Tensor.zeros(g.outputShape(c));
        float[] xs = x.data();
        float[] ys = y.data();
        Parallel.forRange(g.batch() * g.outH(), 1, (from, to) -> {
            for (int row = from; row < to; row++) {
                int n = row / g.outH();
                int oy = row % g.outH();
                for (int ox = 0; ox < g.outW(); ox++) {
                    int outOff = ((n * g.outH() + oy) * g.outW() + ox) * c;
                    int count = 0;
                    for (int ky = 0; ky < g.kh(); ky++) {
                        int iy = g.inRow(oy, ky);
                        if (iy < 0 || iy >= g.inH()) {
                            continue;
                        }
                        for (int kx = 0; kx < g.kw(); kx++) {
                            int ix = g.inCol(ox, kx);
                            if (ix < 0 || ix >= g.inW()) {
                                continue;
                            }
                            count++;
                            int inOff = ((n * g.inH() + iy) * g.inW() + ix) * c;
                            for (int ch = 0; ch < c; ch++) {
                                ys[outOff + ch] += xs[inOff + ch];
                            }
                        }
                    }
                    float inv = 1f / count;
                    for (int ch = 0; ch < c; ch++) {
                        ys[outOff + ch] *= inv;
                    }
                }
            }
        });
        return new Step(y, (dy, weightGrads) -> {
            Tensor dx = Tensor.zerosLike(x);
            spreadGradient(g, dy.data(), dx.data());
            return new Tensor[] {dx};
        });
    }

    /** Each output's gradient is shared equally by the valid cells of its window. */
    private static void spreadGradient(WindowGeometry g, float[] dy, float[] dx) {
        int c = g.channels();
        // Batches are independent, so they can run in parallel without write conflicts.
        Parallel.forRange(g.batch(), 1, (from, to) -> {
            for (int n = from; n < to; n++) {
                for (int oy = 0; oy < g.outH(); oy++) {
                    for (int ox = 0; ox < g.outW(); ox++) {
                        int count = validCells(g, oy, ox);
                        int outOff = ((n * g.outH() + oy) * g.outW() + ox) * c;
                        for (int ky = 0; ky < g.kh(); ky++) {
                            int iy = g.inRow(oy, ky);
                            if (iy < 0 || iy >= g.inH()) {
                                continue;
                            }
                            for (int kx = 0; kx < g.kw(); kx++) {
                                int ix = g.inCol(ox, kx);
                                if (ix < 0 || ix >= g.inW()) {
                                    continue;
                                }
                                int inOff = ((n * g.inH() + iy) * g.inW() + ix) * c;
                                for (int ch = 0; ch < c; ch++) {
                                    dx[inOff + ch] += dy[outOff + ch] / count;
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    private static int validCells(WindowGeometry g, int oy, int ox) {
        int rows = 0;
        for (int ky = 0; ky < g.kh(); ky++) {
            int iy = g.inRow(oy, ky);
            rows += iy >= 0 && iy < g.inH() ? 1 : 0;
        }
        int cols = 0;
        for (int kx = 0; kx < g.kw(); kx++) {
            int ix = g.inCol(ox, kx);
            cols += ix >= 0 && ix < g.inW() ? 1 : 0;
        }
        return rows * cols;
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return WindowGeometry.of(inputShapes[0], pool[0], pool[1], strides[0], strides[1], 1, 1, padding)
                .outputShape(inputShapes[0][3]);
    }

    @Override
    public String describe() {
        return "AveragePooling2D(" + pool[0] + "x" + pool[1] + ", strides " + strides[0] + "x" + strides[1] + ", "
                + padding.keras() + ")";
    }
}
