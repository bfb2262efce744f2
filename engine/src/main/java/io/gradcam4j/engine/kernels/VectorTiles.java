package io.gradcam4j.engine.kernels;

import jdk.incubator.vector.FloatVector;

import static io.gradcam4j.engine.kernels.VectorLanes.S;
import static io.gradcam4j.engine.kernels.VectorLanes.VC;
import static io.gradcam4j.engine.kernels.VectorLanes.L;
import static io.gradcam4j.engine.kernels.VectorLanes.H;
import static io.gradcam4j.engine.kernels.VectorLanes.HC;

/**
 * The register tiles every GEMM-shaped kernel is made of: {@value #P} rows ("pixels") times two or
 * four vectors of columns, summed over a list of {@link Segs segments}, each a run of the reduction
 * index:
 * <pre>
 *   c[cOff + p*cPix + j] += sum over segments s, r &lt; len[s] of
 *                           a[aShift + ao[s] + p*aPix + r*aR] * b[bShift + bo[s] + r*bR + j]
 * </pre>
 * Each loaded column vector of {@code b} is reused for all rows, each broadcast of {@code a} for
 * every vector of the row. Columns that do not fill a vector are computed by a scalar loop over
 * the same segments.
 */
final class VectorTiles {
    /** Rows (output pixels, matrix rows) per register tile. */
    static final int P = 6;
    /** Columns per register tile: two vectors. */
    static final int NB = 2 * L;
    /**
     * Columns per forward-convolution tile, and the width of its weight panels: four vectors when
     * there are 32 vector registers (AVX-512: 24 accumulators fit), else two (AVX2 has 16).
     */
    static final int NW = L >= 16 ? 4 * L : NB;
    private static final float[] ZEROS = new float[NW];


    /** Six rows times two vectors, row p reading a at {@code aShift + p*aPix}: see {@link #k6x2Rows}. */
    static void k6x2(float[] a, int aPix, float[] b, Segs sg, int s0, int s1, int aShift, int bShift,
                     float[] c, int cOff, int cPix) {
        k6x2Rows(a, aShift, aPix, 2 * aPix, 3 * aPix, 4 * aPix, 5 * aPix, b, sg, s0, s1, bShift, c, cOff, cPix,
                true);
    }

    /**
     * Six rows times two vectors: the main tile. Row p reads a at {@code aShift + dp} plus the
     * segment offsets ({@code d0 = 0}), so the rows may be any six pixels: a convolution passes
     * six windows that need not lie on one image row. Row p of the result is added to
     * {@code c[cOff + p*cPix ...]} ({@code accumulate}) or replaces it.
     *
     * <p>On JDK 17, C2 intrinsifies a vector operation on a loop-carried accumulator only late
     * (the accumulator's type is not exact while the method is parsed), and it gives up on late
     * intrinsics past a node budget: such an operation then stays a call and its vectors are
     * boxed. So after the loop each accumulator is only stored (12 late stores, as in
     * {@link #k6x4Rows}), having started from c when the tile adds into it. Adding c, shift and
     * clamp to the accumulators after the loop (24 to 48 late operations) left up to 15 of them
     * as calls at 8 lanes, about 12 boxed vectors per tile. The epilogue is not here either
     * (the caller runs {@link VectorConv#epilogueTile} on the stored sums): in this method its chained
     * operations (add, max, min, store) were inlined late too, past the node budget, where C2
     * binds them only through the Vector API's own type profiles; when those were thin (at 8
     * lanes, with the Vector API's compilation delayed) every tile boxed them.
     */
    static void k6x2Rows(float[] a, int aShift, int d1, int d2, int d3, int d4, int d5, float[] b, Segs sg,
                         int s0, int s1, int bShift, float[] c, int cOff, int cPix, boolean accumulate) {
        final int o0 = cOff;
        final int o1 = o0 + cPix;
        final int o2 = o1 + cPix;
        final int o3 = o2 + cPix;
        final int o4 = o3 + cPix;
        final int o5 = o4 + cPix;
        // the sums start from c, or from zero when they replace it
        final float[] start = accumulate ? c : ZEROS;
        final int r0 = accumulate ? o0 : 0;
        final int r1 = accumulate ? o1 : 0;
        final int r2 = accumulate ? o2 : 0;
        final int r3 = accumulate ? o3 : 0;
        final int r4 = accumulate ? o4 : 0;
        final int r5 = accumulate ? o5 : 0;
        FloatVector c00 = FloatVector.fromArray(S, start, r0);
        FloatVector c01 = FloatVector.fromArray(S, start, r0 + L);
        FloatVector c10 = FloatVector.fromArray(S, start, r1);
        FloatVector c11 = FloatVector.fromArray(S, start, r1 + L);
        FloatVector c20 = FloatVector.fromArray(S, start, r2);
        FloatVector c21 = FloatVector.fromArray(S, start, r2 + L);
        FloatVector c30 = FloatVector.fromArray(S, start, r3);
        FloatVector c31 = FloatVector.fromArray(S, start, r3 + L);
        FloatVector c40 = FloatVector.fromArray(S, start, r4);
        FloatVector c41 = FloatVector.fromArray(S, start, r4 + L);
        FloatVector c50 = FloatVector.fromArray(S, start, r5);
        FloatVector c51 = FloatVector.fromArray(S, start, r5 + L);
        final int aR = sg.aR;
        final int bR = sg.bR;
        // one flat loop over all segments: on JDK 17, C2 boxes vectors carried through nested loops
        int total = sg.total(s0, s1);
        int s = s0;
        int ai = total == 0 ? 0 : sg.ao[s] + aShift;
        int bi = total == 0 ? 0 : sg.bo[s] + bShift;
        int rem = total == 0 ? 0 : sg.len[s];
        for (int t = 0; t < total; t++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + d1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + d2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + d3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + d4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + d5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            ai += aR;
            bi += bR;
            if (--rem == 0 && ++s < s1) {
                ai = sg.ao[s] + aShift;
                bi = sg.bo[s] + bShift;
                rem = sg.len[s];
            }
        }
        // Written out, not through helper methods: a vector passed to a call that is not inlined
        // is boxed. Storing is all the accumulators do after the loop (see above).
        VC.cast(c00).intoArray(c, o0);
        VC.cast(c01).intoArray(c, o0 + L);
        VC.cast(c10).intoArray(c, o1);
        VC.cast(c11).intoArray(c, o1 + L);
        VC.cast(c20).intoArray(c, o2);
        VC.cast(c21).intoArray(c, o2 + L);
        VC.cast(c30).intoArray(c, o3);
        VC.cast(c31).intoArray(c, o3 + L);
        VC.cast(c40).intoArray(c, o4);
        VC.cast(c41).intoArray(c, o4 + L);
        VC.cast(c50).intoArray(c, o5);
        VC.cast(c51).intoArray(c, o5 + L);
    }

    /**
     * Six rows times four vectors: as {@link #k6x2Rows} with twice the columns, so each broadcast
     * of a feeds four FMAs instead of two (24 accumulators: AVX-512 only, see {@link #NW}). The
     * accumulators start from c (or zero) and are only stored after the loop: with a load, add and
     * store per accumulator through a helper method, the method reached C2's inlining node limit
     * (NodeCountInliningCutoff), the last few calls were not inlined, and their vectors were boxed
     * on every call.
     */
    static void k6x4Rows(float[] a, int aShift, int d1, int d2, int d3, int d4, int d5, float[] b, Segs sg,
                         int s0, int s1, int bShift, float[] c, int cOff, int cPix, boolean accumulate) {
        // the sums start from c, or from zero when they replace it
        final float[] start = accumulate ? c : ZEROS;
        final int r0 = accumulate ? cOff : 0;
        final int r1 = accumulate ? cOff + cPix : 0;
        final int r2 = accumulate ? cOff + 2 * cPix : 0;
        final int r3 = accumulate ? cOff + 3 * cPix : 0;
        final int r4 = accumulate ? cOff + 4 * cPix : 0;
        final int r5 = accumulate ? cOff + 5 * cPix : 0;
        FloatVector c00 = FloatVector.fromArray(S, start, r0);
        FloatVector c01 = FloatVector.fromArray(S, start, r0 + L);
        FloatVector c02 = FloatVector.fromArray(S, start, r0 + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, start, r0 + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, start, r1);
        FloatVector c11 = FloatVector.fromArray(S, start, r1 + L);
        FloatVector c12 = FloatVector.fromArray(S, start, r1 + 2 * L);
        FloatVector c13 = FloatVector.fromArray(S, start, r1 + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, start, r2);
        FloatVector c21 = FloatVector.fromArray(S, start, r2 + L);
        FloatVector c22 = FloatVector.fromArray(S, start, r2 + 2 * L);
        FloatVector c23 = FloatVector.fromArray(S, start, r2 + 3 * L);
        FloatVector c30 = FloatVector.fromArray(S, start, r3);
        FloatVector c31 = FloatVector.fromArray(S, start, r3 + L);
        FloatVector c32 = FloatVector.fromArray(S, start, r3 + 2 * L);
        FloatVector c33 = FloatVector.fromArray(S, start, r3 + 3 * L);
        FloatVector c40 = FloatVector.fromArray(S, start, r4);
        FloatVector c41 = FloatVector.fromArray(S, start, r4 + L);
        FloatVector c42 = FloatVector.fromArray(S, start, r4 + 2 * L);
        FloatVector c43 = FloatVector.fromArray(S, start, r4 + 3 * L);
        FloatVector c50 = FloatVector.fromArray(S, start, r5);
        FloatVector c51 = FloatVector.fromArray(S, start, r5 + L);
        FloatVector c52 = FloatVector.fromArray(S, start, r5 + 2 * L);
        FloatVector c53 = FloatVector.fromArray(S, start, r5 + 3 * L);
        final int aR = sg.aR;
        final int bR = sg.bR;
        // one flat loop over all segments: on JDK 17, C2 boxes vectors carried through nested loops
        int total = sg.total(s0, s1);
        int s = s0;
        int ai = total == 0 ? 0 : sg.ao[s] + aShift;
        int bi = total == 0 ? 0 : sg.bo[s] + bShift;
        int rem = total == 0 ? 0 : sg.len[s];
        for (int t = 0; t < total; t++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bi + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[ai + d1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[ai + d2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[ai + d3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
            x = FloatVector.broadcast(S, a[ai + d4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            c42 = x.fma(b2, c42);
            c43 = x.fma(b3, c43);
            x = FloatVector.broadcast(S, a[ai + d5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            c52 = x.fma(b2, c52);
            c53 = x.fma(b3, c53);
            ai += aR;
            bi += bR;
            if (--rem == 0 && ++s < s1) {
                ai = sg.ao[s] + aShift;
                bi = sg.bo[s] + bShift;
                rem = sg.len[s];
            }
        }
        VC.cast(c00).intoArray(c, cOff);
        VC.cast(c01).intoArray(c, cOff + L);
        VC.cast(c02).intoArray(c, cOff + 2 * L);
        VC.cast(c03).intoArray(c, cOff + 3 * L);
        VC.cast(c10).intoArray(c, cOff + cPix);
        VC.cast(c11).intoArray(c, cOff + cPix + L);
        VC.cast(c12).intoArray(c, cOff + cPix + 2 * L);
        VC.cast(c13).intoArray(c, cOff + cPix + 3 * L);
        VC.cast(c20).intoArray(c, cOff + 2 * cPix);
        VC.cast(c21).intoArray(c, cOff + 2 * cPix + L);
        VC.cast(c22).intoArray(c, cOff + 2 * cPix + 2 * L);
        VC.cast(c23).intoArray(c, cOff + 2 * cPix + 3 * L);
        VC.cast(c30).intoArray(c, cOff + 3 * cPix);
        VC.cast(c31).intoArray(c, cOff + 3 * cPix + L);
        VC.cast(c32).intoArray(c, cOff + 3 * cPix + 2 * L);
        VC.cast(c33).intoArray(c, cOff + 3 * cPix + 3 * L);
        VC.cast(c40).intoArray(c, cOff + 4 * cPix);
        VC.cast(c41).intoArray(c, cOff + 4 * cPix + L);
        VC.cast(c42).intoArray(c, cOff + 4 * cPix + 2 * L);
        VC.cast(c43).intoArray(c, cOff + 4 * cPix + 3 * L);
        VC.cast(c50).intoArray(c, cOff + 5 * cPix);
        VC.cast(c51).intoArray(c, cOff + 5 * cPix + L);
        VC.cast(c52).intoArray(c, cOff + 5 * cPix + 2 * L);
        VC.cast(c53).intoArray(c, cOff + 5 * cPix + 3 * L);
    }

    /**
     * Six rows times one vector, the rows any six pixels as in {@link #k6x2Rows}: the last
     * {@value #P} x L columns of a convolution's last panel when they are fewer than two vectors
     * (MobileNet 0.25's 1x1 8 -> 16). Six accumulators only, so each step waits on the FMA's
     * latency, but no lane is thrown away and the tile is stored in place.
     */
    static void k6x1Rows(float[] a, int aShift, int d1, int d2, int d3, int d4, int d5, float[] b, Segs sg,
                         int s0, int s1, int bShift, float[] c, int cOff, int cPix, boolean accumulate) {
        final float[] start = accumulate ? c : ZEROS;
        final int r = accumulate ? cOff : 0;
        final int rPix = accumulate ? cPix : 0;
        FloatVector c0 = FloatVector.fromArray(S, start, r);
        FloatVector c1 = FloatVector.fromArray(S, start, r + rPix);
        FloatVector c2 = FloatVector.fromArray(S, start, r + 2 * rPix);
        FloatVector c3 = FloatVector.fromArray(S, start, r + 3 * rPix);
        FloatVector c4 = FloatVector.fromArray(S, start, r + 4 * rPix);
        FloatVector c5 = FloatVector.fromArray(S, start, r + 5 * rPix);
        final int aR = sg.aR;
        final int bR = sg.bR;
        int total = sg.total(s0, s1);
        int s = s0;
        int ai = total == 0 ? 0 : sg.ao[s] + aShift;
        int bi = total == 0 ? 0 : sg.bo[s] + bShift;
        int rem = total == 0 ? 0 : sg.len[s];
        for (int t = 0; t < total; t++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            c0 = FloatVector.broadcast(S, a[ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[ai + d1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[ai + d2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[ai + d3]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[ai + d4]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[ai + d5]).fma(b0, c5);
            ai += aR;
            bi += bR;
            if (--rem == 0 && ++s < s1) {
                ai = sg.ao[s] + aShift;
                bi = sg.bo[s] + bShift;
                rem = sg.len[s];
            }
        }
        VC.cast(c0).intoArray(c, cOff);
        VC.cast(c1).intoArray(c, cOff + cPix);
        VC.cast(c2).intoArray(c, cOff + 2 * cPix);
        VC.cast(c3).intoArray(c, cOff + 3 * cPix);
        VC.cast(c4).intoArray(c, cOff + 4 * cPix);
        VC.cast(c5).intoArray(c, cOff + 5 * cPix);
    }

    /**
     * {@link #k6x1Rows} with half a vector ({@link VectorLanes#H}): the last columns of a
     * convolution when they fill only half a vector, as the 8 channels of MobileNet 0.25's stem
     * on AVX-512. A separate method, not k6x1Rows with a species argument: C2 turns a vector
     * operation into an instruction only for a species it sees as a constant.
     */
    static void k6x1HalfRows(float[] a, int aShift, int d1, int d2, int d3, int d4, int d5, float[] b, Segs sg,
                             int s0, int s1, int bShift, float[] c, int cOff, int cPix, boolean accumulate) {
        final float[] start = accumulate ? c : ZEROS;
        final int r = accumulate ? cOff : 0;
        final int rPix = accumulate ? cPix : 0;
        FloatVector c0 = FloatVector.fromArray(H, start, r);
        FloatVector c1 = FloatVector.fromArray(H, start, r + rPix);
        FloatVector c2 = FloatVector.fromArray(H, start, r + 2 * rPix);
        FloatVector c3 = FloatVector.fromArray(H, start, r + 3 * rPix);
        FloatVector c4 = FloatVector.fromArray(H, start, r + 4 * rPix);
        FloatVector c5 = FloatVector.fromArray(H, start, r + 5 * rPix);
        final int aR = sg.aR;
        final int bR = sg.bR;
        int total = sg.total(s0, s1);
        int s = s0;
        int ai = total == 0 ? 0 : sg.ao[s] + aShift;
        int bi = total == 0 ? 0 : sg.bo[s] + bShift;
        int rem = total == 0 ? 0 : sg.len[s];
        for (int t = 0; t < total; t++) {
            FloatVector b0 = FloatVector.fromArray(H, b, bi);
            c0 = FloatVector.broadcast(H, a[ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(H, a[ai + d1]).fma(b0, c1);
            c2 = FloatVector.broadcast(H, a[ai + d2]).fma(b0, c2);
            c3 = FloatVector.broadcast(H, a[ai + d3]).fma(b0, c3);
            c4 = FloatVector.broadcast(H, a[ai + d4]).fma(b0, c4);
            c5 = FloatVector.broadcast(H, a[ai + d5]).fma(b0, c5);
            ai += aR;
            bi += bR;
            if (--rem == 0 && ++s < s1) {
                ai = sg.ao[s] + aShift;
                bi = sg.bo[s] + bShift;
                rem = sg.len[s];
            }
        }
        HC.cast(c0).intoArray(c, cOff);
        HC.cast(c1).intoArray(c, cOff + cPix);
        HC.cast(c2).intoArray(c, cOff + 2 * cPix);
        HC.cast(c3).intoArray(c, cOff + 3 * cPix);
        HC.cast(c4).intoArray(c, cOff + 4 * cPix);
        HC.cast(c5).intoArray(c, cOff + 5 * cPix);
    }

    /** Six rows times one vector (the odd vector left of a column group), row p reading a at {@code aShift + p*aPix}. */
    static void k6x1(float[] a, int aPix, float[] b, Segs sg, int s0, int s1, int aShift, int bShift,
                     float[] c, int cOff, int cPix) {
        k6x1Rows(a, aShift, aPix, 2 * aPix, 3 * aPix, 4 * aPix, 5 * aPix, b, sg, s0, s1, bShift, c, cOff, cPix,
                true);
    }

    /** One row times four vectors (a matrix-vector product, a lone pixel). */
    static void k1x4(float[] a, float[] b, Segs sg, int s0, int s1, int aShift, int bShift, float[] c, int cOff) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        FloatVector c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S);
        final int aR = sg.aR;
        final int bR = sg.bR;
        // one flat loop over all segments: on JDK 17, C2 boxes vectors carried through nested loops
        int total = sg.total(s0, s1);
        int s = s0;
        int ai = total == 0 ? 0 : sg.ao[s] + aShift;
        int bi = total == 0 ? 0 : sg.bo[s] + bShift;
        int rem = total == 0 ? 0 : sg.len[s];
        for (int t = 0; t < total; t++) {
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c0 = x.fma(FloatVector.fromArray(S, b, bi), c0);
            c1 = x.fma(FloatVector.fromArray(S, b, bi + L), c1);
            c2 = x.fma(FloatVector.fromArray(S, b, bi + 2 * L), c2);
            c3 = x.fma(FloatVector.fromArray(S, b, bi + 3 * L), c3);
            ai += aR;
            bi += bR;
            if (--rem == 0 && ++s < s1) {
                ai = sg.ao[s] + aShift;
                bi = sg.bo[s] + bShift;
                rem = sg.len[s];
            }
        }
        VC.cast(VC.cast(FloatVector.fromArray(S, c, cOff)).add(VC.cast(c0))).intoArray(c, cOff);
        VC.cast(VC.cast(FloatVector.fromArray(S, c, cOff + L)).add(VC.cast(c1))).intoArray(c, cOff + L);
        VC.cast(VC.cast(FloatVector.fromArray(S, c, cOff + 2 * L)).add(VC.cast(c2))).intoArray(c, cOff + 2 * L);
        VC.cast(VC.cast(FloatVector.fromArray(S, c, cOff + 3 * L)).add(VC.cast(c3))).intoArray(c, cOff + 3 * L);
    }

    /** One row times one vector. */
    static void k1x1(float[] a, float[] b, Segs sg, int s0, int s1, int aShift, int bShift, float[] c, int cOff) {
        FloatVector c0 = FloatVector.zero(S);
        final int aR = sg.aR;
        final int bR = sg.bR;
        int total = sg.total(s0, s1);
        int s = s0;
        int ai = total == 0 ? 0 : sg.ao[s] + aShift;
        int bi = total == 0 ? 0 : sg.bo[s] + bShift;
        int rem = total == 0 ? 0 : sg.len[s];
        for (int t = 0; t < total; t++) {
            c0 = FloatVector.broadcast(S, a[ai]).fma(FloatVector.fromArray(S, b, bi), c0);
            ai += aR;
            bi += bR;
            if (--rem == 0 && ++s < s1) {
                ai = sg.ao[s] + aShift;
                bi = sg.bo[s] + bShift;
                rem = sg.len[s];
            }
        }
        VC.cast(VC.cast(FloatVector.fromArray(S, c, cOff)).add(VC.cast(c0))).intoArray(c, cOff);
    }

    /** Columns [0, cols) that do not fill a vector, for {@code rows} rows, in plain Java. */
    static void kScalar(int rows, int cols, float[] a, int aPix, float[] b, Segs sg, int s0, int s1, int aShift,
                        int bShift, float[] c, int cOff, int cPix) {
        final int aR = sg.aR;
        final int bR = sg.bR;
        for (int p = 0; p < rows; p++) {
            for (int j = 0; j < cols; j++) {
                float acc = 0f;
                for (int s = s0; s < s1; s++) {
                    int ai = sg.ao[s] + aShift + p * aPix;
                    int bi = sg.bo[s] + bShift + j;
                    for (int r = sg.len[s]; r > 0; r--, ai += aR, bi += bR) {
                        acc += a[ai] * b[bi];
                    }
                }
                c[cOff + p * cPix + j] += acc;
            }
        }
    }

    /**
     * {@code rows} (at most {@link #P}) rows times the columns [colFrom, colTo): full tiles, then
     * one vector, then the scalar rest.
     */
    static void tile(int rows, float[] a, int aPix, float[] b, Segs sg, int s0, int s1, int aShift, int bShift,
                     float[] c, int cOff, int cPix, int colFrom, int colTo) {
        if (rows == P) {
            int j = colFrom;
            for (; j + NB <= colTo; j += NB) {
                k6x2(a, aPix, b, sg, s0, s1, aShift, bShift + j, c, cOff + j, cPix);
            }
            if (j + L <= colTo) {
                k6x1(a, aPix, b, sg, s0, s1, aShift, bShift + j, c, cOff + j, cPix);
                j += L;
            }
            if (j < colTo) {
                kScalar(P, colTo - j, a, aPix, b, sg, s0, s1, aShift, bShift + j, c, cOff + j, cPix);
            }
            return;
        }
        for (int p = 0; p < rows; p++) {
            int as = aShift + p * aPix;
            int co = cOff + p * cPix;
            int j = colFrom;
            for (; j + 4 * L <= colTo; j += 4 * L) {
                k1x4(a, b, sg, s0, s1, as, bShift + j, c, co + j);
            }
            for (; j + L <= colTo; j += L) {
                k1x1(a, b, sg, s0, s1, as, bShift + j, c, co + j);
            }
            if (j < colTo) {
                kScalar(1, colTo - j, a, aPix, b, sg, s0, s1, as, bShift + j, c, co + j, cPix);
            }
        }
    }

    /**
     * Like {@link #tile} with b packed by {@link VectorPanels#pack} ({@code rowsK} rows; segment offsets into
     * b are {@code r*NB}, sg.bR = NB). colFrom must be a multiple of NB.
     */
    static void tilePacked(int rows, float[] a, int aPix, float[] bp, int rowsK, Segs sg, int s0, int s1, int aShift,
                           float[] c, int cOff, int cPix, int colFrom, int colTo) {
        for (int j = colFrom; j < colTo; j += NB) {
            int bShift = (j / NB) * rowsK * NB;
            int width = Math.min(NB, colTo - j);
            if (rows == P && width == NB) {
                k6x2(a, aPix, bp, sg, s0, s1, aShift, bShift, c, cOff + j, cPix);
                continue;
            }
            if (rows == P) {
                // the last, partial block: the panel is zero-padded, so the full tile runs into a
                // scratch tile and only the real columns are added (no scalar tail, no masks)
                float[] scratch = new float[P * NB];
                k6x2(a, aPix, bp, sg, s0, s1, aShift, bShift, scratch, 0, NB);
                for (int p = 0; p < P; p++) {
                    int co = cOff + p * cPix + j;
                    for (int jj = 0; jj < width; jj++) {
                        c[co + jj] += scratch[p * NB + jj];
                    }
                }
                continue;
            }
            for (int p0 = 0; p0 < rows; p0 += P) {
                int rp = Math.min(P, rows - p0);
                int as = aShift + p0 * aPix;
                int co = cOff + p0 * cPix + j;
                int jj = 0;
                if (rp == P) {
                    if (width >= L) {
                        k6x1(a, aPix, bp, sg, s0, s1, as, bShift, c, co, cPix);
                        jj = L;
                    }
                    if (jj < width) {
                        kScalar(P, width - jj, a, aPix, bp, sg, s0, s1, as, bShift + jj, c, co + jj, cPix);
                    }
                    continue;
                }
                for (int p = 0; p < rp; p++) {
                    int jp = 0;
                    for (; jp + L <= width; jp += L) {
                        k1x1(a, bp, sg, s0, s1, as + p * aPix, bShift + jp, c, co + p * cPix + jp);
                    }
                    if (jp < width) {
                        kScalar(1, width - jp, a, aPix, bp, sg, s0, s1, as + p * aPix, bShift + jp, c,
                                co + p * cPix + jp, cPix);
                    }
                }
            }
        }
    }
}
