package io.gradcam4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static io.gradcam4j.engine.kernels.VectorLanes.L;
import static io.gradcam4j.engine.kernels.VectorLanes.S;
import static io.gradcam4j.engine.kernels.VectorLanes.VC;

/**
 * Max pooling on the Vector API: channels are the lanes (NHWC keeps them contiguous). For each
 * output pixel the window's cells inside the image are listed once, then each vector of channels
 * takes the lane-wise maximum over them. {@link VectorOperators#MAX} is {@link Math#max} lane by
 * lane, so a NaN wins and the result is exactly the scalar reference's.
 */
final class VectorPooling {
    private VectorPooling() {
    }

    static void maxPool2d(float[] x, WindowGeometry g, float[] out) {
        int c = g.channels();
        Parallel.forRange(g.batch() * g.outH(), 1, (from, to) -> {
            int[] cells = new int[g.kh() * g.kw()];
            for (int row = from; row < to; row++) {
                int n = row / g.outH();
                int oy = row % g.outH();
                for (int ox = 0; ox < g.outW(); ox++) {
                    int nc = g.poolingCells(n, oy, ox, cells);
                    int o = (row * g.outW() + ox) * c;
                    if (c < L) {
                        for (int ch = 0; ch < c; ch++) {
                            out[o + ch] = scalarMax(x, cells, nc, ch);
                        }
                    } else {
                        for (int ch = 0; ch < c; ch += L) {
                            // a last vector that would run past c starts earlier: it stores the same maxima again
                            int cs = Math.min(ch, c - L);
                            FloatVector m = FloatVector.fromArray(S, x, cells[0] + cs);
                            for (int k = 1; k < nc; k++) {
                                FloatVector v = FloatVector.fromArray(S, x, cells[k] + cs);
                                m = VC.cast(m).lanewise(VectorOperators.MAX, v);
                            }
                            VC.cast(m).intoArray(out, o + cs);
                        }
                    }
                }
            }
        });
    }

    private static float scalarMax(float[] x, int[] cells, int nc, int ch) {
        float m = x[cells[0] + ch];
        for (int k = 1; k < nc; k++) {
            m = Math.max(m, x[cells[k] + ch]);
        }
        return m;
    }
}
