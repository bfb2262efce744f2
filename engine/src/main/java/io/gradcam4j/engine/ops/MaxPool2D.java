package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.Workspace;
import io.gradcam4j.engine.kernels.Kernels;
import io.gradcam4j.engine.kernels.Parallel;
import io.gradcam4j.engine.kernels.WindowGeometry;

/**
 * Max pooling, on the active {@link Kernels} ({@link Kernels#maxPool2d}). Padded cells never win
 * (they are not part of the window); a NaN in a window makes its maximum NaN. The gradient goes to
 * the first maximum of each window in row-major order, as TensorFlow's CPU kernel does.
 */
public final class MaxPool2D implements Op {
    private final int[] pool;
    private final int[] strides;
    private final Padding padding;

    public MaxPool2D(int[] pool, int[] strides, Padding padding) {
        this.pool = pool.clone();
        this.strides = strides.clone();
        this.padding = padding;
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Tensor x = inputs[0];
        x.requireRank(4, "MaxPooling2D");
        WindowGeometry g = WindowGeometry.of(x.shape(), pool[0], pool[1], strides[0], strides[1], 1, 1, padding);
        int[] outShape = g.outputShape(g.channels());
        // the kernel stores every value: no need to zero the array first
        Tensor y = Tensor.of(Workspace.uninitialized((int) Tensor.sizeOf(outShape)), outShape);
        float[] xs = x.data();
        float[] ys = y.data();
        Kernels.active().maxPool2d(xs, g, ys);
        // The winners are found again in backward: inference (most calls) then never pays for them.
        return new Step(y, (dy, weightGrads) -> {
            Tensor dx = Tensor.zerosLike(x);
            sendToFirstMaxima(g, xs, ys, dy.data(), dx.data());
            return new Tensor[] {dx};
        });
    }

    /**
     * dx at the first cell (row-major within the window) equal to the window's maximum gets the
     * output's gradient. Batches run in parallel: windows of different images never share cells.
     */
    private static void sendToFirstMaxima(WindowGeometry g, float[] xs, float[] ys, float[] dy, float[] dx) {
        int c = g.channels();
        Parallel.forRange(g.batch(), 1, (from, to) -> {
            int[] cells = new int[g.kh() * g.kw()];
            for (int n = from; n < to; n++) {
                for (int oy = 0; oy < g.outH(); oy++) {
                    for (int ox = 0; ox < g.outW(); ox++) {
                        int nc = g.poolingCells(n, oy, ox, cells);   // once per window, not per channel
                        int outOff = ((n * g.outH() + oy) * g.outW() + ox) * c;
                        for (int ch = 0; ch < c; ch++) {
                            dx[firstMax(xs, cells, nc, ch, ys[outOff + ch])] += dy[outOff + ch];
                        }
                    }
                }
            }
        });
    }

    /** The first of the window's cells (offsets of channel 0) whose channel {@code ch} equals max. */
    private static int firstMax(float[] xs, int[] cells, int nc, int ch, float max) {
        for (int k = 0; k < nc; k++) {
            if (xs[cells[k] + ch] == max) {
                return cells[k] + ch;
            }
        }
        return cells[0] + ch;   // the maximum is NaN: the first cell
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return WindowGeometry.of(inputShapes[0], pool[0], pool[1], strides[0], strides[1], 1, 1, padding)
                .outputShape(inputShapes[0][3]);
    }

    @Override
    public String describe() {
        return "MaxPooling2D(" + pool[0] + "x" + pool[1] + ", strides " + strides[0] + "x" + strides[1] + ", "
                + padding.keras() + ")";
    }
}
