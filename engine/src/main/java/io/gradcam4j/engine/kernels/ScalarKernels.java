package io.gradcam4j.engine.kernels;

import java.util.Arrays;

/**
 * Plain loops that are easy to check by eye: the reference implementation of {@link Kernels}.
 * The innermost loops run over contiguous channels so that the JIT can still vectorize them.
 * Work is split over output rows (or kernel taps for weight gradients) so that no two threads
 * write the same element.
 */
public final class ScalarKernels implements Kernels {
    public static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void conv2d(float[] x, float[] w, int cout, WindowGeometry g, float[] out) {
        int cin = g.channels();
        Parallel.forRange(g.batch() * g.outH(), 1, (from, to) -> {
            for (int row = from; row < to; row++) {
                int n = row / g.outH();
                int oy = row % g.outH();
                for (int ox = 0; ox < g.outW(); ox++) {
                    int outOff = ((n * g.outH() + oy) * g.outW() + ox) * cout;
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
                            int inOff = ((n * g.inH() + iy) * g.inW() + ix) * cin;
                            int wOff = (ky * g.kw() + kx) * cin * cout;
                            for (int ci = 0; ci < cin; ci++) {
                                float xv = x[inOff + ci];
                                int wRow = wOff + ci * cout;
                                for (int co = 0; co < cout; co++) {
                                    out[outOff + co] += xv * w[wRow + co];
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /** The kernel as it is (scaled, a copy): these loops read the Keras layout directly. */
    @Override
    public ConvWeights prepareConv(float[] w, int[] shape, float[] channelScale) {
        ConvWeights.requireKernel(w, shape);
        if (channelScale == null) {
            return new ConvWeights(this, w, shape);
        }
        ConvWeights.requireScale(channelScale, shape);
        float[] scaled = w.clone();
        int cout = shape[3];
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] *= channelScale[i % cout];
        }
        return new ConvWeights(this, scaled, shape);
    }

    @Override
    public void conv2dFused(float[] x, ConvWeights w, WindowGeometry g, Epilogue e, float[] out) {
        java.util.Arrays.fill(out, 0f);
        conv2d(x, w.data(this, g), w.outChannels(), g, out);
        e.applyTo(out);
    }

    @Override
    public void conv2dInputGrad(float[] dy, ConvWeights w, WindowGeometry g, float[] dx) {
        conv2dInputGrad(dy, w.data(this, g), w.outChannels(), g, dx);
    }

    @Override
    public void conv2dInputGrad(float[] dy, float[] w, int cout, WindowGeometry g, float[] dx) {
        int cin = g.channels();
        // Gather form: each input pixel sums the outputs that read it, so rows never collide.
        Parallel.forRange(g.batch() * g.inH(), 1, (from, to) -> {
            for (int row = from; row < to; row++) {
                int n = row / g.inH();
                int iy = row % g.inH();
                for (int ix = 0; ix < g.inW(); ix++) {
                    int dxOff = ((n * g.inH() + iy) * g.inW() + ix) * cin;
                    for (int ky = 0; ky < g.kh(); ky++) {
                        int oy = g.outRowReading(iy, ky);
                        if (oy < 0) {
                            continue;
                        }
                        for (int kx = 0; kx < g.kw(); kx++) {
                            int ox = g.outColReading(ix, kx);
                            if (ox < 0) {
                                continue;
                            }
                            int dyOff = ((n * g.outH() + oy) * g.outW() + ox) * cout;
                            int wOff = (ky * g.kw() + kx) * cin * cout;
                            for (int ci = 0; ci < cin; ci++) {
                                int wRow = wOff + ci * cout;
                                float s = 0f;
                                for (int co = 0; co < cout; co++) {
                                    s += dy[dyOff + co] * w[wRow + co];
                                }
                                dx[dxOff + ci] += s;
                            }
                        }
                    }
                }
            }
        });
    }

    @Override
    public void conv2dKernelGrad(float[] x, float[] dy, int cout, WindowGeometry g, float[] dw) {
        int cin = g.channels();
        // One task per kernel tap: each tap owns its slice of dw.
        Parallel.forRange(g.kh() * g.kw(), 1, (from, to) -> {
            for (int tap = from; tap < to; tap++) {
                int ky = tap / g.kw();
                int kx = tap % g.kw();
                int wOff = tap * cin * cout;
                for (int n = 0; n < g.batch(); n++) {
                    for (int oy = 0; oy < g.outH(); oy++) {
                        int iy = g.inRow(oy, ky);
                        if (iy < 0 || iy >= g.inH()) {
                            continue;
                        }
                        for (int ox = 0; ox < g.outW(); ox++) {
                            int ix = g.inCol(ox, kx);
                            if (ix < 0 || ix >= g.inW()) {
                                continue;
                            }
                            int inOff = ((n * g.inH() + iy) * g.inW() + ix) * cin;
                            int dyOff = ((n * g.outH() + oy) * g.outW() + ox) * cout;
                            for (int ci = 0; ci < cin; ci++) {
                                float xv = x[inOff + ci];
                                int wRow = wOff + ci * cout;
                                for (int co = 0; co < cout; co++) {
                                    dw[wRow + co] += xv * dy[dyOff + co];
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    @Override
    public void depthwiseConv2dFused(float[] x, float[] w, int mult, WindowGeometry g, Epilogue e, float[] out) {
        depthwiseConv2d(x, w, mult, g, out);
        e.applyTo(out);
    }

    @Override
    public void depthwiseConv2d(float[] x, float[] w, int mult, WindowGeometry g, float[] out) {
        int cin = g.channels();
        int cout = cin * mult;
        Parallel.forRange(g.batch() * g.outH(), 1, (from, to) -> {
            for (int row = from; row < to; row++) {
                int n = row / g.outH();
                int oy = row % g.outH();
                // stored, not added: the row's sums start from zero
                Arrays.fill(out, row * g.outW() * cout, (row + 1) * g.outW() * cout, 0f);
                for (int ox = 0; ox < g.outW(); ox++) {
                    int outOff = ((n * g.outH() + oy) * g.outW() + ox) * cout;
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
                            int inOff = ((n * g.inH() + iy) * g.inW() + ix) * cin;
                            int wOff = (ky * g.kw() + kx) * cout;
                            for (int j = 0; j < cout; j++) {
                                out[outOff + j] += x[inOff + j / mult] * w[wOff + j];
                            }
                        }
                    }
                }
            }
        });
    }

    @Override
    public void depthwiseConv2dInputGrad(float[] dy, float[] w, int mult, WindowGeometry g, float[] dx) {
        int cin = g.channels();
        int cout = cin * mult;
        Parallel.forRange(g.batch() * g.inH(), 1, (from, to) -> {
            for (int row = from; row < to; row++) {
                int n = row / g.inH();
                int iy = row % g.inH();
                // stored, not added: the row's sums start from zero
                Arrays.fill(dx, row * g.inW() * cin, (row + 1) * g.inW() * cin, 0f);
                for (int ix = 0; ix < g.inW(); ix++) {
                    int dxOff = ((n * g.inH() + iy) * g.inW() + ix) * cin;
                    for (int ky = 0; ky < g.kh(); ky++) {
                        int oy = g.outRowReading(iy, ky);
                        if (oy < 0) {
                            continue;
                        }
                        for (int kx = 0; kx < g.kw(); kx++) {
                            int ox = g.outColReading(ix, kx);
                            if (ox < 0) {
                                continue;
                            }
                            int dyOff = ((n * g.outH() + oy) * g.outW() + ox) * cout;
                            int wOff = (ky * g.kw() + kx) * cout;
                            for (int j = 0; j < cout; j++) {
                                dx[dxOff + j / mult] += dy[dyOff + j] * w[wOff + j];
                            }
                        }
                    }
                }
            }
        });
    }

    @Override
    public void depthwiseConv2dKernelGrad(float[] x, float[] dy, int mult, WindowGeometry g, float[] dw) {
        int cin = g.channels();
        int cout = cin * mult;
        Parallel.forRange(g.kh() * g.kw(), 1, (from, to) -> {
            for (int tap = from; tap < to; tap++) {
                int ky = tap / g.kw();
                int kx = tap % g.kw();
                int wOff = tap * cout;
                for (int n = 0; n < g.batch(); n++) {
                    for (int oy = 0; oy < g.outH(); oy++) {
                        int iy = g.inRow(oy, ky);
                        if (iy < 0 || iy >= g.inH()) {
                            continue;
                        }
                        for (int ox = 0; ox < g.outW(); ox++) {
                            int ix = g.inCol(ox, kx);
                            if (ix < 0 || ix >= g.inW()) {
                                continue;
                            }
                            int inOff = ((n * g.inH() + iy) * g.inW() + ix) * cin;
                            int dyOff = ((n * g.outH() + oy) * g.outW() + ox) * cout;
                            for (int j = 0; j < cout; j++) {
                                dw[wOff + j] += x[inOff + j / mult] * dy[dyOff + j];
                            }
                        }
                    }
                }
            }
        });
    }

    @Override
    public void maxPool2d(float[] x, WindowGeometry g, float[] out) {
        Parallel.forRange(g.batch() * g.outH(), 1, (from, to) -> {
            int[] cells = new int[g.kh() * g.kw()];
            for (int row = from; row < to; row++) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    windowMax(x, g, row, ox, cells, out);
                }
            }
        });
    }

    /** out at output pixel {@code ox} of flat output row {@code row} = channel-wise max over the window's cells inside the image. */
    private static void windowMax(float[] x, WindowGeometry g, int row, int ox, int[] cells, float[] out) {
        int c = g.channels();
        int nc = g.poolingCells(row / g.outH(), row % g.outH(), ox, cells);
        int outOff = (row * g.outW() + ox) * c;
        System.arraycopy(x, cells[0], out, outOff, c);
        for (int k = 1; k < nc; k++) {
            // Math.max over contiguous channels: the JIT vectorizes it (a conditional it does not)
            for (int ch = 0; ch < c; ch++) {
                out[outOff + ch] = Math.max(out[outOff + ch], x[cells[k] + ch]);
            }
        }
    }

    @Override
    public void matmul(float[] a, float[] b, float[] c, int m, int k, int n) {
        if (m >= Parallel.threads()) {
            Parallel.forRange(m, 1, (from, to) -> matmulRows(a, b, c, from, to, k, n, 0, n));
        } else {
            // Batch-1 dense layers: split the output columns instead of the single row.
            Parallel.forRange(n, 64, (from, to) -> matmulRows(a, b, c, 0, m, k, n, from, to));
        }
    }

    private static void matmulRows(float[] a, float[] b, float[] c, int rowFrom, int rowTo, int k, int n,
                                   int colFrom, int colTo) {
        for (int i = rowFrom; i < rowTo; i++) {
            int cOff = i * n;
            for (int p = 0; p < k; p++) {
                float av = a[i * k + p];
                int bOff = p * n;
                for (int j = colFrom; j < colTo; j++) {
                    c[cOff + j] += av * b[bOff + j];
                }
            }
        }
    }

    @Override
    public void matmulTransB(float[] a, float[] b, float[] c, int m, int n, int k) {
        Parallel.forRange(m * k, 16, (from, to) -> {
            for (int idx = from; idx < to; idx++) {
                int i = idx / k;
                int p = idx % k;
                float s = 0f;
                int aOff = i * n;
                int bOff = p * n;
                for (int j = 0; j < n; j++) {
                    s += a[aOff + j] * b[bOff + j];
                }
                c[idx] += s;
            }
        });
    }

    @Override
    public void matmulTransA(float[] a, float[] b, float[] c, int m, int k, int n) {
        Parallel.forRange(k, 1, (from, to) -> {
            for (int p = from; p < to; p++) {
                int cOff = p * n;
                for (int i = 0; i < m; i++) {
                    float av = a[i * k + p];
                    int bOff = i * n;
                    for (int j = 0; j < n; j++) {
                        c[cOff + j] += av * b[bOff + j];
                    }
                }
            }
        });
    }
}
