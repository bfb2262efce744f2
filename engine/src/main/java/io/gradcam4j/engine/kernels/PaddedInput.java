package io.gradcam4j.engine.kernels;

import io.gradcam4j.engine.Workspace;

/**
 * The input as the convolution reads it: {@code x} itself when every window lies inside the
 * image, else a copy of shape (batch, h, w, channels) with the padding written out as zeros,
 * covering every row and column that some window reads. Input pixel (iy, ix) is at
 * (iy + padTop, ix + padLeft) of the copy.
 */
record PaddedInput(float[] data, int h, int w) {
    static PaddedInput of(float[] x, WindowGeometry g) {
        int h = (g.outH() - 1) * g.strideH() + (g.kh() - 1) * g.dilationH() + 1;
        int w = (g.outW() - 1) * g.strideW() + (g.kw() - 1) * g.dilationW() + 1;
        if (g.padTop() == 0 && g.padLeft() == 0 && h <= g.inH() && w <= g.inW()) {
            return new PaddedInput(x, g.inH(), g.inW());
        }
        int cin = g.channels();
        // not cleared: each row below writes its padding zeros itself (a 13 MB fill saved on VGG19)
        float[] xp = Workspace.uninitialized(g.batch() * h * w * cin);
        // input columns that land inside the copy (all of them unless the windows stop short)
        int ixFrom = Math.max(0, -g.padLeft());
        int ixTo = Math.min(g.inW(), w - g.padLeft());
        int grain = Math.max(1, 16384 / (w * cin));
        Parallel.forRange(g.batch() * h, grain, (from, to) -> {
            for (int row = from; row < to; row++) {
                int n = row / h;
                int iy = row % h - g.padTop();
                int rowStart = row * w * cin;
                if (iy < 0 || iy >= g.inH() || ixFrom >= ixTo) {
                    java.util.Arrays.fill(xp, rowStart, rowStart + w * cin, 0f);
                    continue;
                }
                int dataFrom = rowStart + (ixFrom + g.padLeft()) * cin;
                int dataTo = dataFrom + (ixTo - ixFrom) * cin;
                java.util.Arrays.fill(xp, rowStart, dataFrom, 0f);
                System.arraycopy(x, ((n * g.inH() + iy) * g.inW() + ixFrom) * cin, xp, dataFrom, dataTo - dataFrom);
                java.util.Arrays.fill(xp, dataTo, rowStart + w * cin, 0f);
            }
        });
        return new PaddedInput(xp, h, w);
    }

    /** For each output pixel (flat over n, oy, ox), the offset of its window's first element. */
    int[] origins(WindowGeometry g) {
        int[] origin = new int[g.batch() * g.outH() * g.outW()];
        int p = 0;
        for (int n = 0; n < g.batch(); n++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                int rowStart = (n * h + oy * g.strideH()) * w;
                for (int ox = 0; ox < g.outW(); ox++) {
                    origin[p++] = (rowStart + ox * g.strideW()) * g.channels();
                }
            }
        }
        return origin;
    }
}
