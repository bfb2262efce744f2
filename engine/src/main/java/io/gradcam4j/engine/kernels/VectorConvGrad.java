package io.gradcam4j.engine.kernels;

import io.gradcam4j.engine.Workspace;

import static io.gradcam4j.engine.kernels.VectorTiles.P;
import static io.gradcam4j.engine.kernels.VectorTiles.NB;
import static io.gradcam4j.engine.kernels.VectorTiles.tile;
import static io.gradcam4j.engine.kernels.VectorTiles.tilePacked;
import static io.gradcam4j.engine.kernels.VectorPanels.pack;
import static io.gradcam4j.engine.kernels.VectorPanels.groupWidth;
import static io.gradcam4j.engine.kernels.VectorPanels.ceilDiv;
import static io.gradcam4j.engine.kernels.VectorMatmul.matmulTransB;

/**
 * The gradients of a convolution on the Vector API: the input gradient as a sum over the transposed,
 * flipped kernel, and the kernel gradient with the roles of the strides exchanged, both in the
 * register tiles of {@link VectorTiles}.
 */
final class VectorConvGrad {
    private VectorConvGrad() {
    }

    static void conv2dInputGrad(float[] dy, float[] w, int cout, WindowGeometry g, float[] dx) {
        final int cin = g.channels();
        if (g.kh() == 1 && g.kw() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.outH() == g.inH()
                && g.outW() == g.inW()) {
            // a 1x1 convolution is a matrix product: dx = dy w^T, with w (cin, cout) as stored; no
            // transposed copy of w (a classifier head such as MobileNet's conv_preds, 256 x 1000)
            matmulTransB(dy, w, dx, g.batch() * g.inH() * g.inW(), cout, cin);
            return;
        }
        final int taps = g.kh() * g.kw();
        final int kw = g.kw();
        // wt[ky, kw-1-kx, co, ci] = w[ky, kx, ci, co]: the reduction runs over co, the columns over ci;
        // flipping kx makes neighbouring taps contiguous in both dy and wt (they then merge).
        final float[] wt = Workspace.zeros(taps * cout * cin);
        Parallel.forRange(taps, 1, (from, to) -> {
            for (int tap = from; tap < to; tap++) {
                int ky = tap / kw;
                int kx = tap % kw;
                int src = tap * cin * cout;
                int dst = (ky * kw + (kw - 1 - kx)) * cout * cin;
                for (int ci = 0; ci < cin; ci++) {
                    for (int co = 0; co < cout; co++) {
                        wt[dst + co * cin + ci] = w[src + ci * cout + co];
                    }
                }
            }
        });
        final int rows = g.batch() * g.inH();
        if (rows == 0 || cin == 0 || cout == 0) {
            return;
        }
        final int gw = cin <= NB ? cin : groupWidth(cin, rows, taps * cout);
        final int groups = (cin + gw - 1) / gw;
        final int sw = g.strideW();
        final int wRows = taps * cout;
        final float[] wtp = pack(wt, wRows, cin, cin);
        Parallel.forRange(rows * groups, 1, (from, to) -> {
            Segs sg = new Segs(taps);
            for (int t = from; t < to; t++) {
                int row = t / groups;
                int colFrom = (t % groups) * gw;
                int colTo = Math.min(cin, colFrom + gw);
                int n = row / g.inH();
                int iy = row % g.inH();
                int dxRow = row * g.inW() * cin;
                // pixels ix = r0 + q*sw (q = 0, 1, ...) read consecutive output columns at each tap
                for (int r0 = 0; r0 < sw && r0 < g.inW(); r0++) {
                    int count = (g.inW() - r0 + sw - 1) / sw;
                    for (int q = 0; q < count; ) {
                        int cnt = Math.min(P, count - q);
                        int ix0 = r0 + q * sw;
                        if (!inputGradSegs(g, cout, n, iy, ix0, cnt, sg)) {
                            cnt = 1;
                            inputGradSegs(g, cout, n, iy, ix0, 1, sg);
                        }
                        if (sg.n > 0) {
                            tilePacked(cnt, dy, cout, wtp, wRows, sg, 0, sg.n, 0, dx, dxRow + ix0 * cin, sw * cin,
                                    colFrom, colTo);
                        }
                        q += cnt;
                    }
                }
            }
        });
        Workspace.recycle(wt);
        Workspace.recycle(wtp);
    }

    /**
     * Segments for the dx pixels ix0 + p*strideW (p &lt; cnt) of row iy; false when some tap is
     * inside the output for some of these pixels and outside for others.
     */
    static boolean inputGradSegs(WindowGeometry g, int cout, int n, int iy, int ix0, int cnt, Segs sg) {
        int cin = g.channels();
        sg.reset(1, NB);
        for (int ky = 0; ky < g.kh(); ky++) {
            int oy = g.outRowReading(iy, ky);
            if (oy < 0) {
                continue;
            }
            for (int kx = g.kw() - 1; kx >= 0; kx--) {
                int tt = ix0 + g.padLeft() - kx * g.dilationW();
                if (Math.floorMod(tt, g.strideW()) != 0) {
                    continue;
                }
                int ox0 = Math.floorDiv(tt, g.strideW());
                int oxLast = ox0 + cnt - 1;
                if (oxLast < 0 || ox0 >= g.outW()) {
                    continue;
                }
                if (ox0 < 0 || oxLast >= g.outW()) {
                    return false;
                }
                sg.add(((n * g.outH() + oy) * g.outW() + ox0) * cout, (ky * g.kw() + (g.kw() - 1 - kx)) * cout * NB,
                        cout);
            }
        }
        return true;
    }

    static void conv2dKernelGrad(float[] x, float[] dy, int cout, WindowGeometry g, float[] dw) {
        final int cin = g.channels();
        final int taps = g.kh() * g.kw();
        final int ciTiles = (cin + P - 1) / P;
        // dw[tap, ci, co] = sum over pixels x[pixel at tap, ci] * dy[pixel, co]: rows are ci, columns co.
        // One segment per output row (the columns whose input lies inside); chunks of rows stay in cache.
        Parallel.forRange(taps * ciTiles, 1, (from, to) -> {
            Segs sg = new Segs(g.batch() * g.outH());
            int tapNow = -1;
            int chunk = Math.max(1, (256 * 1024) / Math.max(1, g.outW() * (cin + cout) * 4));
            for (int t0 = from; t0 < to; ) {
                int tap = t0 / ciTiles;
                int tEnd = Math.min(to, (tap + 1) * ciTiles);
                if (tap != tapNow) {
                    kernelGradSegs(g, cout, tap, sg);
                    tapNow = tap;
                }
                for (int s0 = 0; s0 < sg.n; s0 += chunk) {
                    int s1 = Math.min(sg.n, s0 + chunk);
                    for (int t = t0; t < tEnd; t++) {
                        int ci0 = (t % ciTiles) * P;
                        int cnt = Math.min(P, cin - ci0);
                        tile(cnt, x, 1, dy, sg, s0, s1, ci0, 0, dw, (tap * cin + ci0) * cout, cout, 0, cout);
                    }
                }
                t0 = tEnd;
            }
        });
    }

    static void kernelGradSegs(WindowGeometry g, int cout, int tap, Segs sg) {
        int cin = g.channels();
        int ky = tap / g.kw();
        int kx = tap % g.kw();
        sg.reset(g.strideW() * cin, cout);
        // output columns whose input column at this kx lies inside the image
        int oxLo = Math.min(g.outW(), Math.max(0, ceilDiv(g.padLeft() - kx * g.dilationW(), g.strideW())));
        int oxHi = Math.max(oxLo, Math.min(g.outW(),
                Math.floorDiv(g.inW() - 1 + g.padLeft() - kx * g.dilationW(), g.strideW()) + 1));
        if (oxHi <= oxLo) {
            return;
        }
        for (int n = 0; n < g.batch(); n++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                int iy = g.inRow(oy, ky);
                if (iy < 0 || iy >= g.inH()) {
                    continue;
                }
                int ix = g.inCol(oxLo, kx);
                sg.add(((n * g.inH() + iy) * g.inW() + ix) * cin, ((n * g.outH() + oy) * g.outW() + oxLo) * cout,
                        oxHi - oxLo);
            }
        }
    }
}
