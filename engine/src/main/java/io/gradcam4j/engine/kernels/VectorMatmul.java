package io.gradcam4j.engine.kernels;

import io.gradcam4j.engine.Workspace;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static io.gradcam4j.engine.kernels.VectorLanes.S;
import static io.gradcam4j.engine.kernels.VectorLanes.VC;
import static io.gradcam4j.engine.kernels.VectorLanes.L;
import static io.gradcam4j.engine.kernels.VectorTiles.P;
import static io.gradcam4j.engine.kernels.VectorTiles.NB;
import static io.gradcam4j.engine.kernels.VectorTiles.tilePacked;
import static io.gradcam4j.engine.kernels.VectorPanels.pack;
import static io.gradcam4j.engine.kernels.VectorPanels.groupWidth;

/** Matrix products on the Vector API: GEMM in register tiles, a GEMV for fewer rows than a tile, dot products for A B^T. */
final class VectorMatmul {
    private VectorMatmul() {
    }

    static void matmul(float[] a, float[] b, float[] c, int m, int k, int n) {
        // rows of c are rows of a (stride k, reduction contiguous), b rows have stride n
        gemm(a, k, 1, b, n, c, m, n, k);
    }

    static void matmulTransA(float[] a, float[] b, float[] c, int m, int k, int n) {
        // c[p, j] += sum_i a[i, p] * b[i, j]: rows of c are columns of a (stride 1), reduction steps k
        gemm(a, 1, k, b, n, c, k, n, m);
    }

    /**
     * c[rows x cols] += sum over r &lt; depth of a[i*aPix + r*aR] * b[r*bR + j]: tasks are (column group,
     * tile of {@link VectorTiles#P} rows), column group outermost so one thread's chunk reuses the panel of b.
     */
    static void gemm(float[] a, int aPix, int aR, float[] b, int bR, float[] c, int rows, int cols,
                             int depth) {
        if (rows == 0 || cols == 0 || depth == 0) {
            return;
        }
        if (rows < P) {
            gemv(a, aPix, aR, b, bR, c, rows, cols, depth);
            return;
        }
        final int rowTiles = (rows + P - 1) / P;
        final int gw = groupWidth(cols, rowTiles, depth);
        final int groups = (cols + gw - 1) / gw;
        final float[] bp = pack(b, depth, cols, bR);
        Parallel.forRange(rowTiles * groups, 1, (from, to) -> {
            Segs sg = new Segs(1);
            sg.reset(aR, NB);
            sg.add(0, 0, depth);
            for (int t = from; t < to; t++) {
                int colFrom = (t / rowTiles) * gw;
                int colTo = Math.min(cols, colFrom + gw);
                int i0 = (t % rowTiles) * P;
                int cnt = Math.min(P, rows - i0);
                tilePacked(cnt, a, aPix, bp, depth, sg, 0, 1, i0 * aPix, c, i0 * cols, cols, colFrom, colTo);
            }
        });
        Workspace.recycle(bp);
    }

    /**
     * Fewer rows than a tile (a Dense layer at batch 1 to 5): memory-bound, so b is read once and
     * in order. Each task takes a contiguous range of b's rows (the reduction) and sums it into its
     * own partial c; the partials are added into c at the end. A task's part of b is then one
     * sequential stream that the hardware prefetcher follows at the memory's bandwidth: column
     * chunks of b (2 KB of each row, then a 16 KB jump) reached about two thirds of it on VGG19's
     * fc1 (411 MB of weights: 30.8 ms, 13 GB/s, where reading the array takes 20 ms on the same
     * machine). Four rows of b at a time serve every row of a before the next four are read.
     */
    static void gemv(float[] a, int aPix, int aR, float[] b, int bR, float[] c, int rows, int cols,
                             int depth) {
        final int parts = Math.max(1, Math.min(Parallel.threads(), depth / GEMV_MIN_PART_DEPTH));
        if (parts == 1) {
            gemvPart(a, aPix, aR, b, bR, c, 0, rows, cols, 0, depth);
            return;
        }
        final int size = rows * cols;
        final int partDepth = (depth + parts - 1) / parts;
        final float[] partial = Workspace.zeros(parts * size);
        Parallel.forRange(parts, 1, (from, to) -> {
            for (int p = from; p < to; p++) {
                gemvPart(a, aPix, aR, b, bR, partial, p * size, rows, cols, p * partDepth,
                        Math.min(depth, (p + 1) * partDepth));
            }
        });
        for (int p = 0; p < parts; p++) {
            add(partial, p * size, c, size);
        }
        Workspace.recycle(partial);
    }

    /** Reduction rows per task of {@link #gemv} at least: fewer are not worth a thread. */
    private static final int GEMV_MIN_PART_DEPTH = 256;

    /** c[cOff + i*cols + j] += sum over r in [r0, r1) of a[i*aPix + r*aR] * b[r*bR + j], four rows of b at a time. */
    private static void gemvPart(float[] a, int aPix, int aR, float[] b, int bR, float[] c, int cOff, int rows,
                                 int cols, int r0, int r1) {
        final int jv = cols / L * L;
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            int b0 = r * bR;
            int b1 = b0 + bR;
            int b2 = b1 + bR;
            int b3 = b2 + bR;
            for (int i = 0; i < rows; i++) {
                int ai = i * aPix + r * aR;
                float f0 = a[ai];
                float f1 = a[ai + aR];
                float f2 = a[ai + 2 * aR];
                float f3 = a[ai + 3 * aR];
                FloatVector x0 = VC.cast(FloatVector.broadcast(S, f0));
                FloatVector x1 = VC.cast(FloatVector.broadcast(S, f1));
                FloatVector x2 = VC.cast(FloatVector.broadcast(S, f2));
                FloatVector x3 = VC.cast(FloatVector.broadcast(S, f3));
                int ci = cOff + i * cols;
                for (int j = 0; j < jv; j += L) {
                    FloatVector v = VC.cast(FloatVector.fromArray(S, c, ci + j));
                    v = VC.cast(x0.fma(VC.cast(FloatVector.fromArray(S, b, b0 + j)), v));
                    v = VC.cast(x1.fma(VC.cast(FloatVector.fromArray(S, b, b1 + j)), v));
                    v = VC.cast(x2.fma(VC.cast(FloatVector.fromArray(S, b, b2 + j)), v));
                    v = VC.cast(x3.fma(VC.cast(FloatVector.fromArray(S, b, b3 + j)), v));
                    v.intoArray(c, ci + j);
                }
                for (int j = jv; j < cols; j++) {
                    c[ci + j] += f0 * b[b0 + j] + f1 * b[b1 + j] + f2 * b[b2 + j] + f3 * b[b3 + j];
                }
            }
        }
        for (; r < r1; r++) {
            int b0 = r * bR;
            for (int i = 0; i < rows; i++) {
                float f = a[i * aPix + r * aR];
                FloatVector x = VC.cast(FloatVector.broadcast(S, f));
                int ci = cOff + i * cols;
                for (int j = 0; j < jv; j += L) {
                    VC.cast(x.fma(VC.cast(FloatVector.fromArray(S, b, b0 + j)),
                            VC.cast(FloatVector.fromArray(S, c, ci + j)))).intoArray(c, ci + j);
                }
                for (int j = jv; j < cols; j++) {
                    c[ci + j] += f * b[b0 + j];
                }
            }
        }
    }

    /** c[0, n) += from[off, off + n). */
    private static void add(float[] from, int off, float[] c, int n) {
        int jv = n / L * L;
        for (int j = 0; j < jv; j += L) {
            VC.cast(VC.cast(FloatVector.fromArray(S, c, j)).add(VC.cast(FloatVector.fromArray(S, from, off + j))))
                    .intoArray(c, j);
        }
        for (int j = jv; j < n; j++) {
            c[j] += from[off + j];
        }
    }

    static void matmulTransB(float[] a, float[] b, float[] c, int m, int n, int k) {
        // c[i, p] += dot(a row i, b row p): both rows contiguous, so dot products of 3x4 rows at a time
        if (m == 0 || k == 0) {
            return;
        }
        final int rowTiles = (m + 2) / 3;
        final int wantedGroups = Math.max(1, (8 * Parallel.threads() + rowTiles - 1) / rowTiles);
        final int pGroup = roundUp4(Math.max(1, (k + wantedGroups - 1) / wantedGroups));
        final int groups = (k + pGroup - 1) / pGroup;
        Parallel.forRange(rowTiles * groups, 1, (from, to) -> {
            for (int t = from; t < to; t++) {
                int p0 = (t / rowTiles) * pGroup;
                int p1 = Math.min(k, p0 + pGroup);
                int i0 = (t % rowTiles) * 3;
                int rowsHere = Math.min(3, m - i0);
                int p = p0;
                if (rowsHere == 3) {
                    for (; p + 4 <= p1; p += 4) {
                        dot3x4(a, b, c, n, k, i0, p);
                    }
                }
                for (int i = i0; i < i0 + rowsHere; i++) {
                    int q = p;
                    for (; q + 4 <= p1; q += 4) {
                        dot1x4(a, b, c, n, k, i, q);
                    }
                    for (; q < p1; q++) {
                        c[i * k + q] += dot(a, i * n, b, q * n, n);
                    }
                }
            }
        });
    }

    static int roundUp4(int v) {
        return (v + 3) / 4 * 4;
    }

    static void dot3x4(float[] a, float[] b, float[] c, int n, int k, int i0, int p0) {
        int a0 = i0 * n;
        int a1 = a0 + n;
        int a2 = a1 + n;
        int b0 = p0 * n;
        int b1 = b0 + n;
        int b2 = b1 + n;
        int b3 = b2 + n;
        FloatVector s00 = FloatVector.zero(S);
        FloatVector s01 = s00;
        FloatVector s02 = s00;
        FloatVector s03 = s00;
        FloatVector s10 = s00;
        FloatVector s11 = s00;
        FloatVector s12 = s00;
        FloatVector s13 = s00;
        FloatVector s20 = s00;
        FloatVector s21 = s00;
        FloatVector s22 = s00;
        FloatVector s23 = s00;
        int nv = n - n % L;
        for (int j = 0; j < nv; j += L) {
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + j);
            FloatVector y1 = FloatVector.fromArray(S, b, b1 + j);
            FloatVector y2 = FloatVector.fromArray(S, b, b2 + j);
            FloatVector y3 = FloatVector.fromArray(S, b, b3 + j);
            FloatVector x = FloatVector.fromArray(S, a, a0 + j);
            s00 = x.fma(y0, s00);
            s01 = x.fma(y1, s01);
            s02 = x.fma(y2, s02);
            s03 = x.fma(y3, s03);
            x = FloatVector.fromArray(S, a, a1 + j);
            s10 = x.fma(y0, s10);
            s11 = x.fma(y1, s11);
            s12 = x.fma(y2, s12);
            s13 = x.fma(y3, s13);
            x = FloatVector.fromArray(S, a, a2 + j);
            s20 = x.fma(y0, s20);
            s21 = x.fma(y1, s21);
            s22 = x.fma(y2, s22);
            s23 = x.fma(y3, s23);
        }
        int c0 = i0 * k + p0;
        c[c0] += finish(s00, a, a0, b, b0, nv, n);
        c[c0 + 1] += finish(s01, a, a0, b, b1, nv, n);
        c[c0 + 2] += finish(s02, a, a0, b, b2, nv, n);
        c[c0 + 3] += finish(s03, a, a0, b, b3, nv, n);
        c[c0 + k] += finish(s10, a, a1, b, b0, nv, n);
        c[c0 + k + 1] += finish(s11, a, a1, b, b1, nv, n);
        c[c0 + k + 2] += finish(s12, a, a1, b, b2, nv, n);
        c[c0 + k + 3] += finish(s13, a, a1, b, b3, nv, n);
        c[c0 + 2 * k] += finish(s20, a, a2, b, b0, nv, n);
        c[c0 + 2 * k + 1] += finish(s21, a, a2, b, b1, nv, n);
        c[c0 + 2 * k + 2] += finish(s22, a, a2, b, b2, nv, n);
        c[c0 + 2 * k + 3] += finish(s23, a, a2, b, b3, nv, n);
    }

    /** The lanes of a partial dot product plus the scalar rest [nv, n). */
    static float finish(FloatVector s, float[] a, int ao, float[] b, int bo, int nv, int n) {
        float r = VC.cast(s).reduceLanes(VectorOperators.ADD);
        for (int j = nv; j < n; j++) {
            r += a[ao + j] * b[bo + j];
        }
        return r;
    }

    static void dot1x4(float[] a, float[] b, float[] c, int n, int k, int i, int p0) {
        int a0 = i * n;
        int b0 = p0 * n;
        int b1 = b0 + n;
        int b2 = b1 + n;
        int b3 = b2 + n;
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int nv = n - n % L;
        for (int j = 0; j < nv; j += L) {
            FloatVector x = FloatVector.fromArray(S, a, a0 + j);
            s0 = x.fma(FloatVector.fromArray(S, b, b0 + j), s0);
            s1 = x.fma(FloatVector.fromArray(S, b, b1 + j), s1);
            s2 = x.fma(FloatVector.fromArray(S, b, b2 + j), s2);
            s3 = x.fma(FloatVector.fromArray(S, b, b3 + j), s3);
        }
        float r0 = VC.cast(s0).reduceLanes(VectorOperators.ADD);
        float r1 = VC.cast(s1).reduceLanes(VectorOperators.ADD);
        float r2 = VC.cast(s2).reduceLanes(VectorOperators.ADD);
        float r3 = VC.cast(s3).reduceLanes(VectorOperators.ADD);
        for (int j = nv; j < n; j++) {
            float x = a[a0 + j];
            r0 += x * b[b0 + j];
            r1 += x * b[b1 + j];
            r2 += x * b[b2 + j];
            r3 += x * b[b3 + j];
        }
        c[i * k + p0] += r0;
        c[i * k + p0 + 1] += r1;
        c[i * k + p0 + 2] += r2;
        c[i * k + p0 + 3] += r3;
    }

    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            s0 = FloatVector.fromArray(S, a, ao + j).fma(FloatVector.fromArray(S, b, bo + j), s0);
            s1 = FloatVector.fromArray(S, a, ao + j + L).fma(FloatVector.fromArray(S, b, bo + j + L), s1);
        }
        for (; j + L <= n; j += L) {
            s0 = FloatVector.fromArray(S, a, ao + j).fma(FloatVector.fromArray(S, b, bo + j), s0);
        }
        float s = VC.cast(VC.cast(s0).add(VC.cast(s1))).reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) {
            s += a[ao + j] * b[bo + j];
        }
        return s;
    }

    /*
     * Results are added as VC.cast(VC.cast(FloatVector.fromArray(c)).add(VC.cast(acc))).intoArray(c),
     * written out at each place, for two reasons seen on JDK 17's C2: after its loop an accumulator
     * is a phi of the abstract type FloatVector, and an operation on it is intrinsified only if C2
     * knows its exact class (see VC); and a vector passed to a helper method that C2 does not
     * inline (a large method exhausts its inlining budget: NodeCountInliningCutoff) is boxed, per
     * tile.
     */
}
