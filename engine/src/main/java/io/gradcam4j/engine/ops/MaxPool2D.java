package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.kernels.Parallel;
import io.gradcam4j.engine.kernels.WindowGeometry;

/**
 * Max pooling. Padded cells never win (they are not part of the window). The gradient goes to
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
        int c = g.channels();
        Tensor y = Tensor.zeros(g.outputShape(c));
        int[] winner = new int[y.size()];   // flat input index of each output's maximum
        float[] xs = x.data();
        float[] ys = y.data();
        Parallel.forRange(g.batch() * g.outH(), 1, (from, to) -> {
            for (int row = from; row < to; row++) {
                int n = row / g.outH();
                int oy = row % g.outH();
                for (int ox = 0; ox < g.outW(); ox++) {
                    int outOff = ((n * g.outH() + oy) * g.outW() + ox) * c;
                    for (int ch = 0; ch < c; ch++) {
                        ys[outOff + ch] = Float.NEGATIVE_INFINITY;
                        winner[outOff + ch] = -1;
                    }
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
                                float v = xs[inOff + ch];
                                if (v > ys[outOff + ch] || winner[outOff + ch] < 0) {
                                    ys[outOff + ch] = v;
                                    winner[outOff + ch] = inOff + ch;
                                }
                            }
                        }
                    }
                }
            }
        });
        return new Step(y, (dy, weightGrads) -> {
            Tensor dx = Tensor.zerosLike(x);
            float[] d = dx.data();
            float[] gs = dy.data();
            for (int i = 0; i < gs.length; i++) {
                d[winner[i]] += gs[i];
            }
            return new Tensor[] {dx};
        });
    }

    @Override
    public String describe() {
        return "MaxPooling2D(" + pool[0] + "x" + pool[1] + ", strides " + strides[0] + "x" + strides[1] + ", "
                + padding.keras() + ")";
    }
}
