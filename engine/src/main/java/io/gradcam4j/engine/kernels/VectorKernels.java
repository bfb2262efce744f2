package io.gradcam4j.engine.kernels;

import io.gradcam4j.engine.Workspace;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels} on the Vector API ({@code jdk.incubator.vector}), written against
 * {@link FloatVector#SPECIES_PREFERRED} so that the same code uses 16 lanes on AVX-512 and 8 on
 * AVX2. Never reference this class directly from code that must run without the module:
 * {@link KernelSelection} loads it by name.
 *
 * <p>Almost everything is one register tile: {@value #P} rows ("pixels") times two vectors of
 * columns (four in the forward convolution with AVX-512: {@link #k6x4Rows}), summed over a list
 * of {@link Segs segments}, each a run of the reduction index:
 * <pre>
 *   c[cOff + p*cPix + j] += sum over segments s, r &lt; len[s] of
 *                           a[aShift + ao[s] + p*aPix + r*aR] * b[bShift + bo[s] + r*bR + j]
 * </pre>
 * Each loaded column vector of {@code b} is reused for all rows, each broadcast of {@code a} for
 * both vectors. A convolution is such a sum with one segment per kernel tap (taps that are
 * contiguous in both the input and the weights merge into one segment: with dilation 1 a row of
 * taps is one run of {@code kw*cin}), on a zero-padded copy of the input so that the rows of a
 * tile can be any six output pixels ({@code p*aPix} becomes a per-row offset, see
 * {@link #k6x2Rows}); a 1×1 convolution is a GEMM with pixels as rows, the input gradient is the
 * same sum over the transposed, flipped kernel, and the weight gradients and {@code A^T B} are
 * the same sum with the roles of the strides exchanged. Columns that do not fill a vector are
 * computed by a scalar loop over the same segments.
 *
 * <p>Work is split with {@link Parallel#forRange} over tiles of rows (and groups of columns),
 * so no two threads ever write the same element; every result is added to the destination.
 */
public final class VectorKernels implements Kernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /**
     * The species' vector class (Float512Vector, Float256Vector). C2 on JDK 17 turns a vector
     * operation into one instruction only if it knows the exact class of the vectors it is given;
     * for a value that comes out of another vector operation it learns that from the Vector API's
     * type profiles, and when those are thin at compile time (a loaded machine, an early
     * compilation) the operation stays a call that boxes every vector, for the life of the JVM
     * (Xception 3-4x slower). {@code VC.cast(v)} states the class instead: C2 intrinsifies
     * Class.cast with a constant class into a type check that it then folds away. So every
     * vector that reaches an operation other than as a fresh load, broadcast or loop-carried
     * accumulator of a tile is cast first.
     */
    @SuppressWarnings("unchecked")
    static final Class<? extends FloatVector> VC = (Class<? extends FloatVector>) S.vectorType();
    /** The species' mask class, for the same reason as {@link #VC}. */
    @SuppressWarnings("unchecked")
    static final Class<? extends VectorMask<Float>> MC = (Class<? extends VectorMask<Float>>) S.maskAll(true).getClass();
    /** 0, 1, ..., L - 1: {@link #lanesFrom} compares with it. */
    private static final FloatVector LANE_NUMBERS = FloatVector.fromArray(S, laneNumbers(), 0);
    /** Lanes per vector: 16 with AVX-512, 8 with AVX2. */
    static final int L = S.length();
    /** Rows (output pixels, matrix rows) per register tile. */
    static final int P = 6;
    /** Columns per register tile: two vectors. */
    static final int NB = 2 * L;
    /**
     * Columns per forward-convolution tile, and the width of its weight panels: four vectors when
     * there are 32 vector registers (AVX-512: 24 accumulators fit), else two (AVX2 has 16).
     */
    static final int NW = L >= 16 ? 4 * L : NB;
    /** Target size of the part of {@code b} that a task streams through per column group (floats). */
    private static final int PANEL_FLOATS = 64 * 1024;
    /**
     * Largest part of one weight panel (reduction rows x {@link #NW} floats) that a convolution
     * streams per pass over its pixel tiles: a panel above this is cut into blocks of rows, so
     * that the block stays in L2 while all tiles of a task run over it (see {@link #convolveBlocked}).
     * 64K floats (256 KB) measured better than 32K and 128K on VGG19's 3x3 layers (Zen 5, 1 MB L2).
     */
    static final int REDUCTION_BLOCK_FLOATS = 64 * 1024;
    /**
     * Pixel tiles per pass of the blocked convolution: the weight block comes from L3 once per
     * pass, and the pass's outputs (32 x 6 x 64 floats, 48 KB) and input windows stay in L2 beside it.
     */
    private static final int TILES_PER_PASS = 32;
    /** Where the 6-row tiles start their sums when they replace the output (one row of a tile). */
    private static final float[] ZEROS = new float[NW];

    public static final VectorKernels INSTANCE = new VectorKernels();

    private VectorKernels() {
    }

    /** The vector width this JVM chose, in lanes of float. */
    public static int lanes() {
        return L;
    }

    @Override
    public String name() {
        String arch = System.getProperty("os.arch", "");
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        return x86 && L == 16 ? "vector (AVX-512, 16 lanes)" : "vector (" + L + " lanes)";
    }

    // ================================================================================================
    // segments and register tiles
    // ================================================================================================

    /** Runs of the reduction index: offsets into a and b and a length; aR, bR are the per-step strides. */
    static final class Segs {
        int[] ao;
        int[] bo;
        int[] len;
        int n;
        int aR;
        int bR;

        Segs(int capacity) {
            int cap = Math.max(4, capacity);
            ao = new int[cap];
            bo = new int[cap];
            len = new int[cap];
        }

        /** Steps in segments [s0, s1). */
        int total(int s0, int s1) {
            int t = 0;
            for (int s = s0; s < s1; s++) {
                t += len[s];
            }
            return t;
        }

        void reset(int aStride, int bStride) {
            n = 0;
            aR = aStride;
            bR = bStride;
        }

        void add(int a, int b, int l) {
            if (l <= 0) {
                return;
            }
            if (n > 0 && ao[n - 1] + len[n - 1] * aR == a && bo[n - 1] + len[n - 1] * bR == b) {
                len[n - 1] += l;
                return;
            }
            append(a, b, l);
        }

        /** Adds a segment without merging it into the previous one (a cut that must stay). */
        void append(int a, int b, int l) {
            if (n == ao.length) {
                ao = java.util.Arrays.copyOf(ao, 2 * n);
                bo = java.util.Arrays.copyOf(bo, 2 * n);
                len = java.util.Arrays.copyOf(len, 2 * n);
            }
            ao[n] = a;
            bo[n] = b;
            len[n] = l;
            n++;
        }
    }

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
     * (the caller runs {@link #epilogueTile} on the stored sums): in this method its chained
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

    /** Six rows times one vector (the odd vector left of a column group). */
    static void k6x1(float[] a, int aPix, float[] b, Segs sg, int s0, int s1, int aShift, int bShift,
                     float[] c, int cOff, int cPix) {
        final int o0 = cOff;
        final int o1 = o0 + cPix;
        final int o2 = o1 + cPix;
        final int o3 = o2 + cPix;
        final int o4 = o3 + cPix;
        final int o5 = o4 + cPix;
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        FloatVector c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S);
        FloatVector c5 = FloatVector.zero(S);
        final int aR = sg.aR;
        final int bR = sg.bR;
        final int p1 = aPix;
        final int p2 = 2 * aPix;
        final int p3 = 3 * aPix;
        final int p4 = 4 * aPix;
        final int p5 = 5 * aPix;
        // one flat loop over all segments: on JDK 17, C2 boxes vectors carried through nested loops
        int total = sg.total(s0, s1);
        int s = s0;
        int ai = total == 0 ? 0 : sg.ao[s] + aShift;
        int bi = total == 0 ? 0 : sg.bo[s] + bShift;
        int rem = total == 0 ? 0 : sg.len[s];
        for (int t = 0; t < total; t++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            c0 = FloatVector.broadcast(S, a[ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[ai + p1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[ai + p2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[ai + p3]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[ai + p4]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[ai + p5]).fma(b0, c5);
            ai += aR;
            bi += bR;
            if (--rem == 0 && ++s < s1) {
                ai = sg.ao[s] + aShift;
                bi = sg.bo[s] + bShift;
                rem = sg.len[s];
            }
        }
        VC.cast(VC.cast(FloatVector.fromArray(S, c, o0)).add(VC.cast(c0))).intoArray(c, o0);
        VC.cast(VC.cast(FloatVector.fromArray(S, c, o1)).add(VC.cast(c1))).intoArray(c, o1);
        VC.cast(VC.cast(FloatVector.fromArray(S, c, o2)).add(VC.cast(c2))).intoArray(c, o2);
        VC.cast(VC.cast(FloatVector.fromArray(S, c, o3)).add(VC.cast(c3))).intoArray(c, o3);
        VC.cast(VC.cast(FloatVector.fromArray(S, c, o4)).add(VC.cast(c4))).intoArray(c, o4);
        VC.cast(VC.cast(FloatVector.fromArray(S, c, o5)).add(VC.cast(c5))).intoArray(c, o5);
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
     * b[r*bR + j] for r &lt; rows, j &lt; cols, repacked as panels of {@link #NB} columns:
     * {@code packed[(blk*rows + r)*NB + jj]}, zero beyond the last column. A register tile then
     * streams through one contiguous panel instead of rows far apart (fewer TLB misses, and the
     * hardware prefetcher sees one stream).
     */
    static float[] pack(float[] b, int rows, int cols, int bR) {
        return pack(b, rows, cols, bR, NB);
    }

    /** As {@link #pack(float[], int, int, int)} with panels {@code nb} columns wide. */
    static float[] pack(float[] b, int rows, int cols, int bR, int nb) {
        return pack(b, rows, cols, bR, nb, null);
    }

    /**
     * As {@link #pack(float[], int, int, int, int)}, column j multiplied by {@code scale[j]} unless
     * scale is null: a folded kernel without a scaled copy of it first.
     */
    static float[] pack(float[] b, int rows, int cols, int bR, int nb, float[] scale) {
        int blocks = (cols + nb - 1) / nb;
        float[] packed = Workspace.zeros(blocks * rows * nb);   // callers that use it once recycle it
        Parallel.forRange(blocks * rows, 1024, (from, to) -> {
            for (int t = from; t < to; t++) {
                int j0 = (t / rows) * nb;
                int src = (t % rows) * bR + j0;
                int dst = t * nb;
                int width = Math.min(nb, cols - j0);
                if (scale == null) {
                    System.arraycopy(b, src, packed, dst, width);
                } else {
                    for (int jj = 0; jj < width; jj++) {
                        packed[dst + jj] = b[src + jj] * scale[j0 + jj];
                    }
                }
            }
        });
        return packed;
    }

    /** The inverse of {@link #pack(float[], int, int, int, int)}: rows x cols, row-major, from the workspace. */
    static float[] unpack(float[] packed, int rows, int cols, int nb) {
        float[] b = Workspace.uninitialized(rows * cols);   // every element is copied below
        int blocks = (cols + nb - 1) / nb;
        Parallel.forRange(blocks * rows, 1024, (from, to) -> {
            for (int t = from; t < to; t++) {
                int j0 = (t / rows) * nb;
                System.arraycopy(packed, t * nb, b, (t % rows) * cols + j0, Math.min(nb, cols - j0));
            }
        });
        return b;
    }

    /**
     * Like {@link #tile} with b packed by {@link #pack} ({@code rowsK} rows; segment offsets into
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

    /** Column groups: a width (a multiple of {@link #NB}) and how many, so that rows*groups gives enough tasks. */
    private static int groupWidth(int cols, int rowTasks, int reduction) {
        return groupWidth(cols, rowTasks, reduction, NB);
    }

    private static int groupWidth(int cols, int rowTasks, int reduction, int nb) {
        int blocks = (cols + nb - 1) / nb;
        int wanted = Math.max(1, (8 * Parallel.threads() + rowTasks - 1) / Math.max(1, rowTasks));
        // keep the part of b that one task streams through (reduction x width) near the L2 cache
        int byCache = Math.max(1, PANEL_FLOATS / Math.max(1, reduction) / nb);
        int perGroup = Math.max(1, Math.min((blocks + wanted - 1) / wanted, byCache));
        return perGroup * nb;
    }

    // ================================================================================================
    // convolution
    // ================================================================================================

    /**
     * Output pixels are numbered flat over (n, oy, ox), which is also their order in {@code out}, and
     * cut into tiles of {@link #P} consecutive pixels whatever image row they lie on: a 19-wide
     * image then needs 61 tiles for its 361 pixels instead of 4 tiles per row (76). Each pixel's
     * window starts at its own offset in the zero-padded input ({@link Padded}), and the taps are
     * the same segments relative to that origin for every pixel, so all tiles share one
     * {@link Segs}. A 1x1 stride-1 unpadded convolution is then a single segment per pixel.
     * Tasks are (column group, pixel tile), column group outermost as in {@link #gemm}, so one
     * thread's chunk streams through one panel of packed weights.
     */
    @Override
    public void conv2d(float[] x, float[] w, int cout, WindowGeometry g, float[] out) {
        float[] wp = pack(w, g.kh() * g.kw() * g.channels(), cout, cout, NW);
        convolve(x, wp, cout, g, null, out);
        Workspace.recycle(wp);   // a per-call copy: inside a graph run the next layer reuses it (see Workspace)
    }

    /** The kernel packed once as {@link #convolve} reads it: panels of {@link #NW} columns, scaled on the way. */
    @Override
    public ConvWeights prepareConv(float[] w, int[] shape, float[] channelScale) {
        ConvWeights.requireKernel(w, shape);
        int cout = shape[3];
        int rows = shape[0] * shape[1] * shape[2];
        if (channelScale != null) {
            ConvWeights.requireScale(channelScale, shape);
        }
        return new ConvWeights(this, pack(w, rows, cout, cout, NW, channelScale), shape);
    }

    /** As conv2d, but every output value is stored through the epilogue instead of added. */
    @Override
    public void conv2dFused(float[] x, ConvWeights w, WindowGeometry g, Epilogue e, float[] out) {
        convolve(x, w.data(this, g), w.outChannels(), g, e, out);
    }

    /**
     * out += conv, or with an epilogue out = e(conv), with the kernel packed by {@link #pack} in
     * panels of {@link #NW} columns: the whole reduction of a tile is one call.
     */
    private void convolve(float[] x, float[] wp, int cout, WindowGeometry g, Epilogue e, float[] out) {
        final int pixels = g.batch() * g.outH() * g.outW();
        final int wRows = g.kh() * g.kw() * g.channels();
        if (pixels == 0 || cout == 0 || wRows == 0) {
            return;
        }
        final Padded in = Padded.of(x, g);
        // a table, not divisions per tile: with few taps (the 3-channel stem) the 12 divisions that
        // locate six pixels cost about as much as the tile itself
        final int[] origin = in.origins(g);
        final int nb = NW;
        final Segs sg = windowSegs(g, in.w(), nb); // read only: shared by all tasks
        final int tiles = (pixels + P - 1) / P;
        final int gw = groupWidth(cout, tiles, wRows, nb);
        final int groups = (cout + gw - 1) / gw;
        final int blockRows = ceilDiv(wRows, ceilDiv(wRows * nb, REDUCTION_BLOCK_FLOATS));
        if (blockRows < wRows) {
            convolveBlocked(in.data(), origin, pixels, wp, wRows, nb, sg, blockRows, out, cout, gw, groups, e);
        } else {
            Parallel.forRange(tiles * groups, 1, (from, to) -> {
                float[] scratch = new float[P * nb];
                for (int t = from; t < to; t++) {
                    int colFrom = (t / tiles) * gw;
                    int colTo = Math.min(cout, colFrom + gw);
                    int p0 = (t % tiles) * P;
                    convTile(in.data(), origin, p0, Math.min(P, pixels - p0), wp, wRows, nb, sg, 0, sg.n, out, cout,
                            colFrom, colTo, scratch, e);
                }
            });
        }
        if (in.data() != x) {
            Workspace.recycle(in.data());   // a per-call copy, as the packed kernel in conv2d
        }
    }

    /**
     * {@link #convolve} for a panel too big for L2 (VGG19's 3x3 convs with 256 and 512 channels:
     * 2304 or 4608 rows x 64 columns, 0.6 or 1.2 MB): unblocked, every 6-pixel tile would stream
     * its whole panel from L3. Here the reduction is cut into blocks of {@code blockRows} rows, and
     * a task runs {@link #TILES_PER_PASS} tiles over one block before moving to the next, so the
     * block is read from L2 by all but the first tile. The tiles add into {@code out}, which holds
     * the partial sums between blocks: with an epilogue the task's part of {@code out} is zeroed
     * first and goes through the epilogue after the last block.
     */
    private static void convolveBlocked(float[] a, int[] origin, int pixels, float[] wp, int wRows, int nb, Segs sg,
                                        int blockRows, float[] out, int cout, int gw, int groups, Epilogue e) {
        final int tiles = (pixels + P - 1) / P;
        final int blocks = ceilDiv(wRows, blockRows);
        final int[] firstSeg = new int[blocks + 1];
        final Segs cut = cutSegs(sg, blockRows, firstSeg);
        Parallel.forRange(tiles * groups, 1, (from, to) -> {
            float[] scratch = new float[P * nb];
            // equal passes of about TILES_PER_PASS tiles: a chunk of 33 tiles is one pass, not 32 + 1
            // (a one-tile pass would read every block from L3 for a single tile)
            int passes = Math.max(1, (to - from + TILES_PER_PASS / 2) / TILES_PER_PASS);
            int passLength = ceilDiv(to - from, passes);
            for (int pass = from; pass < to; pass += passLength) {
                int passEnd = Math.min(to, pass + passLength);
                for (int blk = 0; blk < blocks; blk++) {
                    for (int t = pass; t < passEnd; t++) {
                        int colFrom = (t / tiles) * gw;
                        int colTo = Math.min(cout, colFrom + gw);
                        int p0 = (t % tiles) * P;
                        int cnt = Math.min(P, pixels - p0);
                        if (blk == 0 && e != null) {
                            clearTile(out, cout, p0, cnt, colFrom, colTo);
                        }
                        convTile(a, origin, p0, cnt, wp, wRows, nb, cut, firstSeg[blk], firstSeg[blk + 1], out,
                                cout, colFrom, colTo, scratch, null);
                        if (blk == blocks - 1 && e != null) {
                            epilogueTile(out, cout, p0, cnt, colFrom, colTo, e);
                        }
                    }
                }
            }
        });
    }

    /**
     * The segments of {@code sg} (which cover the reduction rows 0, 1, ... in order) cut at every
     * multiple of {@code blockRows}; block k is segments [firstSeg[k], firstSeg[k + 1]).
     */
    private static Segs cutSegs(Segs sg, int blockRows, int[] firstSeg) {
        Segs cut = new Segs(sg.n + firstSeg.length);
        cut.reset(sg.aR, sg.bR);
        int row = 0;   // the reduction row at which segment s starts
        int blk = 0;
        for (int s = 0; s < sg.n; s++) {
            for (int r = 0; r < sg.len[s]; ) {
                if (row + r == blk * blockRows) {
                    firstSeg[blk++] = cut.n;
                }
                int l = Math.min(sg.len[s] - r, blk * blockRows - (row + r));
                cut.append(sg.ao[s] + r * sg.aR, sg.bo[s] + r * sg.bR, l);
                r += l;
            }
            row += sg.len[s];
        }
        firstSeg[blk] = cut.n;
        return cut;
    }

    /** Zeroes the outputs of pixels [p0, p0 + cnt) in channels [colFrom, colTo). */
    private static void clearTile(float[] out, int cout, int p0, int cnt, int colFrom, int colTo) {
        for (int p = p0; p < p0 + cnt; p++) {
            java.util.Arrays.fill(out, p * cout + colFrom, p * cout + colTo, 0f);
        }
    }

    /** Replaces the sums of pixels [p0, p0 + cnt) in channels [colFrom, colTo) by e(sum). */
    private static void epilogueTile(float[] out, int cout, int p0, int cnt, int colFrom, int colTo, Epilogue e) {
        FloatVector lo = FloatVector.broadcast(S, e.min());
        FloatVector hi = FloatVector.broadcast(S, e.max());
        float[] sh = e.shift();
        for (int p = p0; p < p0 + cnt; p++) {
            int o = p * cout;
            int j = colFrom;
            for (; j + L <= colTo; j += L) {
                epilogue(FloatVector.fromArray(S, sh, j), FloatVector.fromArray(S, out, o + j), lo, hi)
                        .intoArray(out, o + j);
            }
            for (; j < colTo; j++) {
                out[o + j] = e.apply(out[o + j], j);
            }
        }
    }

    /**
     * clamp(shift + sum, lo, hi), the same float as clamp(sum + shift): each result is cast (see
     * {@link #VC}) before it becomes the next operation's vector.
     */
    private static FloatVector epilogue(FloatVector shift, FloatVector sum, FloatVector lo, FloatVector hi) {
        FloatVector shifted = VC.cast(VC.cast(shift).add(VC.cast(sum)));
        return VC.cast(VC.cast(shifted.max(VC.cast(lo))).min(VC.cast(hi)));
    }

    /**
     * The mask of lanes {@code first} to L - 1. Not {@code S.indexInRange}: C2 inlines that only
     * where it has seen it run, and when it compiled a depthwise tile before that, the call stayed
     * a call, boxing its vectors on every channel group (12 MB per Xception pass).
     */
    private static VectorMask<Float> lanesFrom(int first) {
        return MC.cast(VC.cast(LANE_NUMBERS).compare(VectorOperators.GE, (float) first));
    }

    /** Reads S, not L: LANE_NUMBERS is initialized before L. */
    private static float[] laneNumbers() {
        float[] n = new float[S.length()];
        for (int i = 0; i < n.length; i++) {
            n[i] = i;
        }
        return n;
    }

    /**
     * The input as the convolution reads it: {@code x} itself when every window lies inside the
     * image, else a copy of shape (batch, h, w, channels) with the padding written out as zeros,
     * covering every row and column that some window reads. Input pixel (iy, ix) is at
     * (iy + padTop, ix + padLeft) of the copy.
     */
    private record Padded(float[] data, int h, int w) {
        static Padded of(float[] x, WindowGeometry g) {
            int h = (g.outH() - 1) * g.strideH() + (g.kh() - 1) * g.dilationH() + 1;
            int w = (g.outW() - 1) * g.strideW() + (g.kw() - 1) * g.dilationW() + 1;
            if (g.padTop() == 0 && g.padLeft() == 0 && h <= g.inH() && w <= g.inW()) {
                return new Padded(x, g.inH(), g.inW());
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
            return new Padded(xp, h, w);
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

    /**
     * The taps of a window in an input of width {@code w}: tap (ky, kx) reads {@code cin} channels
     * at ((ky*dilationH)*w + kx*dilationW)*cin from the window's origin, against weight rows
     * (ky*kw + kx)*cin of the packed weights. With dilationW = 1 the taps of a kernel row are
     * contiguous in both and merge into one segment of kw*cin.
     */
    private static Segs windowSegs(WindowGeometry g, int w, int nb) {
        int cin = g.channels();
        Segs sg = new Segs(g.kh() * g.kw());
        sg.reset(1, nb);
        for (int ky = 0; ky < g.kh(); ky++) {
            for (int kx = 0; kx < g.kw(); kx++) {
                sg.add((ky * g.dilationH() * w + kx * g.dilationW()) * cin, (ky * g.kw() + kx) * cin * nb, cin);
            }
        }
        return sg;
    }

    /**
     * Output pixels [p0, p0 + cnt), cnt &lt;= {@link #P}, whose windows start at {@code origin[p]} in
     * a, times the output channels [colFrom, colTo) in blocks of nb columns (the panel width of
     * wp: {@link #NW}; colFrom a multiple of it), summed over the segments [s0, s1) of sg (all of
     * them, or one reduction block of {@link #convolveBlocked}), added to out, or, with an
     * epilogue {@code e}, stored through it (the tile replaces the output, then
     * {@link #epilogueTile} runs on it). A last, partial tile repeats its last pixel in the
     * missing rows and runs into {@code scratch}, of which only the real part is added or goes
     * through the epilogue; so does a partial block (two vectors at a time over the zero-padded
     * panel).
     */
    private static void convTile(float[] a, int[] origin, int p0, int cnt, float[] wp, int wRows, int nb, Segs sg,
                                 int s0, int s1, float[] out, int cout, int colFrom, int colTo, float[] scratch,
                                 Epilogue e) {
        int last = p0 + cnt - 1;
        int o = origin[p0];
        int d1 = origin[Math.min(p0 + 1, last)] - o;
        int d2 = origin[Math.min(p0 + 2, last)] - o;
        int d3 = origin[Math.min(p0 + 3, last)] - o;
        int d4 = origin[Math.min(p0 + 4, last)] - o;
        int d5 = origin[Math.min(p0 + 5, last)] - o;
        int cOff = p0 * cout;
        for (int j = colFrom; j < colTo; j += nb) {
            int bShift = (j / nb) * wRows * nb;
            int width = Math.min(nb, colTo - j);
            if (cnt == P && width == nb) {
                if (nb == NB) {
                    k6x2Rows(a, o, d1, d2, d3, d4, d5, wp, sg, s0, s1, bShift, out, cOff + j, cout, e == null);
                } else {
                    k6x4Rows(a, o, d1, d2, d3, d4, d5, wp, sg, s0, s1, bShift, out, cOff + j, cout, e == null);
                }
                if (e != null) {
                    epilogueTile(out, cout, p0, P, j, j + nb, e);
                }
                continue;
            }
            // a partial tile or a partial block: into scratch first
            java.util.Arrays.fill(scratch, 0f);
            if (width == nb && nb != NB) {
                k6x4Rows(a, o, d1, d2, d3, d4, d5, wp, sg, s0, s1, bShift, scratch, 0, nb, true);
            } else {
                // two vectors at a time, as far as the block has columns (the panel stays nb wide)
                for (int jj = 0; jj < width; jj += NB) {
                    k6x2Rows(a, o, d1, d2, d3, d4, d5, wp, sg, s0, s1, bShift + jj, scratch, jj, nb, true);
                }
            }
            for (int p = 0; p < cnt; p++) {
                int co = cOff + p * cout + j;
                int jj = 0;
                if (e != null) {
                    FloatVector lo = FloatVector.broadcast(S, e.min());
                    FloatVector hi = FloatVector.broadcast(S, e.max());
                    for (; jj + L <= width; jj += L) {
                        epilogue(FloatVector.fromArray(S, e.shift(), j + jj),
                                FloatVector.fromArray(S, scratch, p * nb + jj), lo, hi).intoArray(out, co + jj);
                    }
                }
                for (; jj < width; jj++) {
                    float v = scratch[p * nb + jj];
                    out[co + jj] = e == null ? out[co + jj] + v : e.apply(v, j + jj);
                }
            }
        }
    }

    /**
     * Unpacks the kernel into a temporary for the call instead of keeping an unpacked copy beside
     * the packed one: that copy would double the memory of every folded kernel, while Grad-CAM
     * runs backward only through the few layers after the tapped one. The temporary goes back to
     * the workspace, as the transposed kernel below does.
     */
    @Override
    public void conv2dInputGrad(float[] dy, ConvWeights w, WindowGeometry g, float[] dx) {
        int cout = w.outChannels();
        float[] unpacked = unpack(w.data(this, g), w.rows(), cout, NW);
        conv2dInputGrad(dy, unpacked, cout, g, dx);
        Workspace.recycle(unpacked);
    }

    @Override
    public void conv2dInputGrad(float[] dy, float[] w, int cout, WindowGeometry g, float[] dx) {
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
    private static boolean inputGradSegs(WindowGeometry g, int cout, int n, int iy, int ix0, int cnt, Segs sg) {
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

    @Override
    public void conv2dKernelGrad(float[] x, float[] dy, int cout, WindowGeometry g, float[] dw) {
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

    private static void kernelGradSegs(WindowGeometry g, int cout, int tap, Segs sg) {
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

    // ================================================================================================
    // depthwise convolution: channels are the vector lanes
    // ================================================================================================

    /** x with each channel repeated mult times, so a multiplier-m depthwise conv becomes a multiplier-1 one. */
    private static float[] expandChannels(float[] x, int pixels, int cin, int mult) {
        if (mult == 1) {
            return x;
        }
        float[] e = new float[pixels * cin * mult];
        Parallel.forRange(pixels, 256, (from, to) -> {
            for (int px = from; px < to; px++) {
                for (int ci = 0; ci < cin; ci++) {
                    float v = x[px * cin + ci];
                    int o = (px * cin + ci) * mult;
                    for (int m = 0; m < mult; m++) {
                        e[o + m] = v;
                    }
                }
            }
        });
        return e;
    }

    /** Output pixels along a row that one forward tile computes together (one accumulator each). */
    private static final int DW_TILE = 8;

    @Override
    public void depthwiseConv2d(float[] x, float[] w, int mult, WindowGeometry g, float[] out) {
        final int c = g.channels() * mult;
        final float[] xe = expandChannels(x, g.batch() * g.inH() * g.inW(), g.channels(), mult);
        // fewer channels than lanes: one vector holds `pack` neighbouring pixels (stride 1 keeps them adjacent)
        final int pack = c < L && L % c == 0 && g.strideW() == 1 ? L / c : 1;
        final float[] wv = pack > 1 ? tiledWeights(w, g.kh() * g.kw(), c) : w;
        final int groupWidth = c * pack;     // floats of a pixel group: the channel count the tiles see
        // interior columns [oxA, oxEnd): every kx tap reads inside the image, so they share one list of taps
        final int oxA = Math.min(g.outW(), ceilDiv(g.padLeft(), g.strideW()));
        final int oxEnd = Math.max(oxA, Math.min(g.outW(),
                Math.floorDiv(g.inW() - 1 + g.padLeft() - (g.kw() - 1) * g.dilationW(), g.strideW()) + 1));
        final int groups = groupWidth < L ? 0 : (oxEnd - oxA) / pack;
        // a tile costs as much for one pixel group as for eight: a short rest goes pixel by pixel
        final int tiled = groups % DW_TILE < DW_TILE / 2 ? groups - groups % DW_TILE : groups;
        final int restStart = oxA + tiled * pack;
        final boolean threeWide = pack == 1 && g.kw() == 3 && g.strideW() == 1 && g.dilationW() == 1;
        Parallel.forRange(g.batch() * g.outH(), 1, (from, to) -> {
            int[] tapW = new int[g.kh() * g.kw()];
            int[] tapX = new int[g.kh() * g.kw()];
            for (int row = from; row < to; row++) {
                int n = row / g.outH();
                int oy = row % g.outH();
                int outRow = row * g.outW() * c;
                for (int ox = 0; ox < oxA; ox++) {
                    depthwisePixel(xe, w, c, g, n, oy, ox, out, outRow + ox * c, tapW, tapX);
                }
                if (tiled > 0) {
                    int nt = depthwiseTaps(g, c, n, oy, oxA, tapW, tapX);
                    for (int k = 0; k < nt; k++) {
                        tapW[k] *= pack;     // a tap's weights take one vector in the tiled copy
                    }
                    for (int p = 0; p < tiled; p += DW_TILE) {
                        int shift = p * g.strideW() * groupWidth;
                        int o = outRow + oxA * c + p * groupWidth;
                        int pixels = Math.min(DW_TILE, tiled - p);
                        if (threeWide) {
                            depthwiseTile3Wide(xe, wv, groupWidth, nt, tapW, tapX, shift, pixels, out, o);
                        } else {
                            depthwiseTile(xe, wv, groupWidth, nt, tapW, tapX, shift, g.strideW() * groupWidth,
                                    pixels, out, o);
                        }
                    }
                }
                for (int ox = restStart; ox < g.outW(); ox++) {
                    depthwisePixel(xe, w, c, g, n, oy, ox, out, outRow + ox * c, tapW, tapX);
                }
            }
        });
    }

    /** Each tap's c weights repeated to fill one vector (c divides the lane count). */
    private static float[] tiledWeights(float[] w, int taps, int c) {
        float[] t = new float[taps * L];
        for (int i = 0; i < t.length; i++) {
            t[i] = w[i / L * c + i % c];
        }
        return t;
    }

    /**
     * The taps of output pixel (n, oy, ox) that read inside the image: weight offsets into {@code tapW},
     * input offsets into {@code tapX} (channel 0 of each); returns how many.
     */
    private static int depthwiseTaps(WindowGeometry g, int c, int n, int oy, int ox, int[] tapW, int[] tapX) {
        int nt = 0;
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
                tapW[nt] = (ky * g.kw() + kx) * c;
                tapX[nt] = ((n * g.inH() + iy) * g.inW() + ix) * c;
                nt++;
            }
        }
        return nt;
    }

    /**
     * {@code pixels} (1 to {@link #DW_TILE}) interior output pixels of one row, {@code c} floats each (a pixel
     * group when channels are packed), {@code pixStep} apart in the input, all reading the taps listed for
     * the first one shifted by {@code shift}: for each channel vector,
     * one accumulator per pixel in registers over all taps, so a loaded weight serves eight pixels and
     * each output is read and written once. A short tile repeats its last pixel, and the repeats write
     * to its place: every output is loaded before any is stored, and the stores go from the last pixel
     * down, so the real sum is stored last. With a channel count that is not a multiple of the lanes, the
     * last vector overlaps the one before and adds only its new lanes.
     */
    private static void depthwiseTile(float[] xe, float[] w, int c, int nt, int[] tapW, int[] tapX, int shift,
                                      int pixStep, int pixels, float[] out, int o) {
        int last = pixels - 1;
        int x0 = shift;
        int x1 = shift + Math.min(1, last) * pixStep;
        int x2 = shift + Math.min(2, last) * pixStep;
        int x3 = shift + Math.min(3, last) * pixStep;
        int x4 = shift + Math.min(4, last) * pixStep;
        int x5 = shift + Math.min(5, last) * pixStep;
        int x6 = shift + Math.min(6, last) * pixStep;
        int x7 = shift + Math.min(7, last) * pixStep;
        int o0 = o;
        int o1 = o + Math.min(1, last) * c;
        int o2 = o + Math.min(2, last) * c;
        int o3 = o + Math.min(3, last) * c;
        int o4 = o + Math.min(4, last) * c;
        int o5 = o + Math.min(5, last) * c;
        int o6 = o + Math.min(6, last) * c;
        int o7 = o + Math.min(7, last) * c;
        for (int ch = 0; ch < c; ch += L) {
            int cs = Math.min(ch, c - L);
            VectorMask<Float> fresh = lanesFrom(ch - cs);  // lanes from channel ch on
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector a4 = a0;
            FloatVector a5 = a0;
            FloatVector a6 = a0;
            FloatVector a7 = a0;
            for (int k = 0; k < nt; k++) {
                FloatVector wv = FloatVector.fromArray(S, w, tapW[k] + cs);
                int xi = tapX[k] + cs;
                a0 = FloatVector.fromArray(S, xe, xi + x0).fma(wv, a0);
                a1 = FloatVector.fromArray(S, xe, xi + x1).fma(wv, a1);
                a2 = FloatVector.fromArray(S, xe, xi + x2).fma(wv, a2);
                a3 = FloatVector.fromArray(S, xe, xi + x3).fma(wv, a3);
                a4 = FloatVector.fromArray(S, xe, xi + x4).fma(wv, a4);
                a5 = FloatVector.fromArray(S, xe, xi + x5).fma(wv, a5);
                a6 = FloatVector.fromArray(S, xe, xi + x6).fma(wv, a6);
                a7 = FloatVector.fromArray(S, xe, xi + x7).fma(wv, a7);
            }
            FloatVector y0 = VC.cast(FloatVector.fromArray(S, out, o0 + cs));
            FloatVector y1 = VC.cast(FloatVector.fromArray(S, out, o1 + cs));
            FloatVector y2 = VC.cast(FloatVector.fromArray(S, out, o2 + cs));
            FloatVector y3 = VC.cast(FloatVector.fromArray(S, out, o3 + cs));
            FloatVector y4 = VC.cast(FloatVector.fromArray(S, out, o4 + cs));
            FloatVector y5 = VC.cast(FloatVector.fromArray(S, out, o5 + cs));
            FloatVector y6 = VC.cast(FloatVector.fromArray(S, out, o6 + cs));
            FloatVector y7 = VC.cast(FloatVector.fromArray(S, out, o7 + cs));
            VC.cast(y7.add(VC.cast(a7), fresh)).intoArray(out, o7 + cs);
            VC.cast(y6.add(VC.cast(a6), fresh)).intoArray(out, o6 + cs);
            VC.cast(y5.add(VC.cast(a5), fresh)).intoArray(out, o5 + cs);
            VC.cast(y4.add(VC.cast(a4), fresh)).intoArray(out, o4 + cs);
            VC.cast(y3.add(VC.cast(a3), fresh)).intoArray(out, o3 + cs);
            VC.cast(y2.add(VC.cast(a2), fresh)).intoArray(out, o2 + cs);
            VC.cast(y1.add(VC.cast(a1), fresh)).intoArray(out, o1 + cs);
            VC.cast(y0.add(VC.cast(a0), fresh)).intoArray(out, o0 + cs);
        }
    }

    /**
     * {@link #depthwiseTile} for a kernel three wide with stride and dilation 1 along x: the eight pixels of
     * a kernel row read ten neighbouring input columns, each loaded once and used by up to three pixels
     * (13 loads per 24 multiply-adds instead of 27). {@code tapW} and {@code tapX} list the taps as
     * {@link #depthwiseTaps} does, three per kernel row. In a short tile the columns past the last pixel's
     * repeat the last one, and the pixels past the last write their sums (wrong ones) to its place before
     * it does, as in depthwiseTile.
     */
    private static void depthwiseTile3Wide(float[] xe, float[] w, int c, int nt, int[] tapW, int[] tapX, int shift,
                                           int pixels, float[] out, int o) {
        int lastColumn = pixels + 1;
        int q1 = Math.min(1, lastColumn) * c;
        int q2 = Math.min(2, lastColumn) * c;
        int q3 = Math.min(3, lastColumn) * c;
        int q4 = Math.min(4, lastColumn) * c;
        int q5 = Math.min(5, lastColumn) * c;
        int q6 = Math.min(6, lastColumn) * c;
        int q7 = Math.min(7, lastColumn) * c;
        int q8 = Math.min(8, lastColumn) * c;
        int q9 = Math.min(9, lastColumn) * c;
        int last = pixels - 1;
        int o1 = o + Math.min(1, last) * c;
        int o2 = o + Math.min(2, last) * c;
        int o3 = o + Math.min(3, last) * c;
        int o4 = o + Math.min(4, last) * c;
        int o5 = o + Math.min(5, last) * c;
        int o6 = o + Math.min(6, last) * c;
        int o7 = o + Math.min(7, last) * c;
        for (int ch = 0; ch < c; ch += L) {
            int cs = Math.min(ch, c - L);
            VectorMask<Float> fresh = lanesFrom(ch - cs);  // as in depthwiseTile
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector a4 = a0;
            FloatVector a5 = a0;
            FloatVector a6 = a0;
            FloatVector a7 = a0;
            for (int k = 0; k < nt; k += 3) {
                int wi = tapW[k] + cs;
                FloatVector w0 = FloatVector.fromArray(S, w, wi);
                FloatVector w1 = FloatVector.fromArray(S, w, wi + c);
                FloatVector w2 = FloatVector.fromArray(S, w, wi + 2 * c);
                int xi = tapX[k] + shift + cs;
                // input column q serves pixel q (weight w0), q - 1 (w1) and q - 2 (w2)
                FloatVector v = FloatVector.fromArray(S, xe, xi);
                a0 = v.fma(w0, a0);
                v = FloatVector.fromArray(S, xe, xi + q1);
                a1 = v.fma(w0, a1);
                a0 = v.fma(w1, a0);
                v = FloatVector.fromArray(S, xe, xi + q2);
                a2 = v.fma(w0, a2);
                a1 = v.fma(w1, a1);
                a0 = v.fma(w2, a0);
                v = FloatVector.fromArray(S, xe, xi + q3);
                a3 = v.fma(w0, a3);
                a2 = v.fma(w1, a2);
                a1 = v.fma(w2, a1);
                v = FloatVector.fromArray(S, xe, xi + q4);
                a4 = v.fma(w0, a4);
                a3 = v.fma(w1, a3);
                a2 = v.fma(w2, a2);
                v = FloatVector.fromArray(S, xe, xi + q5);
                a5 = v.fma(w0, a5);
                a4 = v.fma(w1, a4);
                a3 = v.fma(w2, a3);
                v = FloatVector.fromArray(S, xe, xi + q6);
                a6 = v.fma(w0, a6);
                a5 = v.fma(w1, a5);
                a4 = v.fma(w2, a4);
                v = FloatVector.fromArray(S, xe, xi + q7);
                a7 = v.fma(w0, a7);
                a6 = v.fma(w1, a6);
                a5 = v.fma(w2, a5);
                v = FloatVector.fromArray(S, xe, xi + q8);
                a7 = v.fma(w1, a7);
                a6 = v.fma(w2, a6);
                v = FloatVector.fromArray(S, xe, xi + q9);
                a7 = v.fma(w2, a7);
            }
            FloatVector y0 = VC.cast(FloatVector.fromArray(S, out, o + cs));
            FloatVector y1 = VC.cast(FloatVector.fromArray(S, out, o1 + cs));
            FloatVector y2 = VC.cast(FloatVector.fromArray(S, out, o2 + cs));
            FloatVector y3 = VC.cast(FloatVector.fromArray(S, out, o3 + cs));
            FloatVector y4 = VC.cast(FloatVector.fromArray(S, out, o4 + cs));
            FloatVector y5 = VC.cast(FloatVector.fromArray(S, out, o5 + cs));
            FloatVector y6 = VC.cast(FloatVector.fromArray(S, out, o6 + cs));
            FloatVector y7 = VC.cast(FloatVector.fromArray(S, out, o7 + cs));
            VC.cast(y7.add(VC.cast(a7), fresh)).intoArray(out, o7 + cs);
            VC.cast(y6.add(VC.cast(a6), fresh)).intoArray(out, o6 + cs);
            VC.cast(y5.add(VC.cast(a5), fresh)).intoArray(out, o5 + cs);
            VC.cast(y4.add(VC.cast(a4), fresh)).intoArray(out, o4 + cs);
            VC.cast(y3.add(VC.cast(a3), fresh)).intoArray(out, o3 + cs);
            VC.cast(y2.add(VC.cast(a2), fresh)).intoArray(out, o2 + cs);
            VC.cast(y1.add(VC.cast(a1), fresh)).intoArray(out, o1 + cs);
            VC.cast(y0.add(VC.cast(a0), fresh)).intoArray(out, o + cs);
        }
    }

    /** One output pixel with any taps outside the image skipped (borders, and fewer channels than lanes). */
    private static void depthwisePixel(float[] xe, float[] w, int c, WindowGeometry g, int n, int oy, int ox,
                                       float[] out, int o, int[] tapW, int[] tapX) {
        int nt = depthwiseTaps(g, c, n, oy, ox, tapW, tapX);
        if (c < L) {
            for (int ch = 0; ch < c; ch++) {
                float s = 0f;
                for (int k = 0; k < nt; k++) {
                    s += xe[tapX[k] + ch] * w[tapW[k] + ch];
                }
                out[o + ch] += s;
            }
            return;
        }
        for (int ch = 0; ch < c; ch += L) {
            int cs = Math.min(ch, c - L);    // as in depthwiseTile
            VectorMask<Float> fresh = lanesFrom(ch - cs);
            // three sums over every third tap, so that three multiply-adds are in flight, not one
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            int k = 0;
            for (; k + 3 <= nt; k += 3) {
                a0 = FloatVector.fromArray(S, xe, tapX[k] + cs).fma(FloatVector.fromArray(S, w, tapW[k] + cs), a0);
                a1 = FloatVector.fromArray(S, xe, tapX[k + 1] + cs)
                        .fma(FloatVector.fromArray(S, w, tapW[k + 1] + cs), a1);
                a2 = FloatVector.fromArray(S, xe, tapX[k + 2] + cs)
                        .fma(FloatVector.fromArray(S, w, tapW[k + 2] + cs), a2);
            }
            for (; k < nt; k++) {
                a0 = FloatVector.fromArray(S, xe, tapX[k] + cs).fma(FloatVector.fromArray(S, w, tapW[k] + cs), a0);
            }
            FloatVector sum = VC.cast(VC.cast(VC.cast(a0).add(VC.cast(a1))).add(VC.cast(a2)));
            VC.cast(VC.cast(FloatVector.fromArray(S, out, o + cs)).add(sum, fresh)).intoArray(out, o + cs);
        }
    }

    @Override
    public void depthwiseConv2dInputGrad(float[] dy, float[] w, int mult, WindowGeometry g, float[] dx) {
        final int cin = g.channels();
        final int c = cin * mult;
        final int pixels = g.batch() * g.inH() * g.inW();
        // with mult > 1 the gradient of the expanded input is summed over each channel's copies
        final float[] dxe = mult == 1 ? dx : new float[pixels * c];
        if (g.strideH() == 1 && g.strideW() == 1) {
            depthwiseConv2d(dy, flippedTaps(w, g.kh() * g.kw(), c), 1, transposed(g, c), dxe);
        } else {
            depthwiseInputGradStrided(dy, w, c, g, dxe);
        }
        if (mult > 1) {
            Parallel.forRange(pixels, 256, (from, to) -> {
                for (int px = from; px < to; px++) {
                    for (int ci = 0; ci < cin; ci++) {
                        float s = 0f;
                        int e = (px * cin + ci) * mult;
                        for (int m = 0; m < mult; m++) {
                            s += dxe[e + m];
                        }
                        dx[px * cin + ci] += s;
                    }
                }
            });
        }
    }

    /**
     * The input gradient of a stride-1 depthwise convolution is itself one: dy convolved with the kernel
     * turned by 180 degrees, padded so that output pixel (iy, ix) reads dy at (iy + padTop - ky * dilationH, ...).
     */
    private static WindowGeometry transposed(WindowGeometry g, int c) {
        return new WindowGeometry(g.batch(), g.outH(), g.outW(), c, g.kh(), g.kw(), 1, 1, g.dilationH(),
                g.dilationW(), (g.kh() - 1) * g.dilationH() - g.padTop(), (g.kw() - 1) * g.dilationW() - g.padLeft(),
                g.inH(), g.inW());
    }

    /** Depthwise weights (taps, c) with the taps in reverse order: the kernel turned by 180 degrees. */
    private static float[] flippedTaps(float[] w, int taps, int c) {
        float[] f = new float[taps * c];
        for (int t = 0; t < taps; t++) {
            System.arraycopy(w, (taps - 1 - t) * c, f, t * c, c);
        }
        return f;
    }

    /** The input gradient for any strides: for each input pixel, the output pixels that read it. */
    private static void depthwiseInputGradStrided(float[] dy, float[] w, int c, WindowGeometry g, float[] dxe) {
        final int cv = c - c % L;
        Parallel.forRange(g.batch() * g.inH(), 1, (from, to) -> {
            int[] tapW = new int[g.kh() * g.kw()];
            int[] tapY = new int[g.kh() * g.kw()];
            for (int row = from; row < to; row++) {
                int n = row / g.inH();
                int iy = row % g.inH();
                for (int ix = 0; ix < g.inW(); ix++) {
                    int nt = 0;
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
                            tapW[nt] = (ky * g.kw() + kx) * c;
                            tapY[nt] = ((n * g.outH() + oy) * g.outW() + ox) * c;
                            nt++;
                        }
                    }
                    if (nt == 0) {
                        continue;
                    }
                    int o = (row * g.inW() + ix) * c;
                    int ch = 0;
                    for (; ch < cv; ch += L) {
                        FloatVector acc = FloatVector.zero(S);
                        for (int k = 0; k < nt; k++) {
                            acc = FloatVector.fromArray(S, dy, tapY[k] + ch)
                                    .fma(FloatVector.fromArray(S, w, tapW[k] + ch), acc);
                        }
                        VC.cast(VC.cast(FloatVector.fromArray(S, dxe, o + ch)).add(VC.cast(acc))).intoArray(dxe, o + ch);
                    }
                    for (; ch < c; ch++) {
                        float s = 0f;
                        for (int k = 0; k < nt; k++) {
                            s += dy[tapY[k] + ch] * w[tapW[k] + ch];
                        }
                        dxe[o + ch] += s;
                    }
                }
            }
        });
    }

    @Override
    public void depthwiseConv2dKernelGrad(float[] x, float[] dy, int mult, WindowGeometry g, float[] dw) {
        final int c = g.channels() * mult;
        final float[] xe = expandChannels(x, g.batch() * g.inH() * g.inW(), g.channels(), mult);
        final int taps = g.kh() * g.kw();
        // tasks: (tap, block of 4 vectors of channels); the last block also takes the scalar rest
        final int blockW = 4 * L;
        final int blocks = Math.max(1, (c + blockW - 1) / blockW);
        Parallel.forRange(taps * blocks, 1, (from, to) -> {
            for (int t = from; t < to; t++) {
                int tap = t / blocks;
                int c0 = (t % blocks) * blockW;
                int c1 = Math.min(c, c0 + blockW);
                int ky = tap / g.kw();
                int kx = tap % g.kw();
                int oxLo = Math.min(g.outW(), Math.max(0, ceilDiv(g.padLeft() - kx * g.dilationW(), g.strideW())));
                int oxHi = Math.max(oxLo, Math.min(g.outW(),
                        Math.floorDiv(g.inW() - 1 + g.padLeft() - kx * g.dilationW(), g.strideW()) + 1));
                int xStep = g.strideW() * c;
                int wo = tap * c;
                int ch = c0;
                for (; ch + L <= c1; ch += L) {
                    for (int n = 0; n < g.batch(); n++) {
                        for (int oy = 0; oy < g.outH(); oy++) {
                            int iy = g.inRow(oy, ky);
                            if (iy < 0 || iy >= g.inH() || oxHi <= oxLo) {
                                continue;
                            }
                            int xi = ((n * g.inH() + iy) * g.inW() + g.inCol(oxLo, kx)) * c + ch;
                            int yi = ((n * g.outH() + oy) * g.outW() + oxLo) * c + ch;
                            // vectors live in this one loop only (C2 on JDK 17 boxes them across nested loops)
                            FloatVector acc0 = FloatVector.zero(S);
                            FloatVector acc1 = acc0;
                            int ox = oxLo;
                            for (; ox + 1 < oxHi; ox += 2, xi += 2 * xStep, yi += 2 * c) {
                                acc0 = FloatVector.fromArray(S, xe, xi).fma(FloatVector.fromArray(S, dy, yi), acc0);
                                acc1 = FloatVector.fromArray(S, xe, xi + xStep)
                                        .fma(FloatVector.fromArray(S, dy, yi + c), acc1);
                            }
                            if (ox < oxHi) {
                                acc0 = FloatVector.fromArray(S, xe, xi).fma(FloatVector.fromArray(S, dy, yi),
                                        VC.cast(acc0));
                            }
                            VC.cast(VC.cast(VC.cast(FloatVector.fromArray(S, dw, wo + ch)).add(VC.cast(acc0))).add(VC.cast(acc1)))
                                    .intoArray(dw, wo + ch);
                        }
                    }
                }
                for (; ch < c1; ch++) {
                    float s = 0f;
                    for (int n = 0; n < g.batch(); n++) {
                        for (int oy = 0; oy < g.outH(); oy++) {
                            int iy = g.inRow(oy, ky);
                            if (iy < 0 || iy >= g.inH()) {
                                continue;
                            }
                            int xi = ((n * g.inH() + iy) * g.inW() + g.inCol(oxLo, kx)) * c + ch;
                            int yi = ((n * g.outH() + oy) * g.outW() + oxLo) * c + ch;
                            for (int ox = oxLo; ox < oxHi; ox++, xi += xStep, yi += c) {
                                s += xe[xi] * dy[yi];
                            }
                        }
                    }
                    dw[wo + ch] += s;
                }
            }
        });
    }

    // ================================================================================================
    // matrix products
    // ================================================================================================

    @Override
    public void matmul(float[] a, float[] b, float[] c, int m, int k, int n) {
        // rows of c are rows of a (stride k, reduction contiguous), b rows have stride n
        gemm(a, k, 1, b, n, c, m, n, k);
    }

    @Override
    public void matmulTransA(float[] a, float[] b, float[] c, int m, int k, int n) {
        // c[p, j] += sum_i a[i, p] * b[i, j]: rows of c are columns of a (stride 1), reduction steps k
        gemm(a, 1, k, b, n, c, k, n, m);
    }

    /**
     * c[rows x cols] += sum over r &lt; depth of a[i*aPix + r*aR] * b[r*bR + j]: tasks are (column group,
     * tile of {@link #P} rows), column group outermost so one thread's chunk reuses the panel of b.
     */
    private static void gemm(float[] a, int aPix, int aR, float[] b, int bR, float[] c, int rows, int cols,
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
     * Fewer rows than a tile (a batch-1 Dense layer): stream b row by row, four rows at a time,
     * into a chunk of c that stays in L1; threads take chunks of columns.
     */
    private static void gemv(float[] a, int aPix, int aR, float[] b, int bR, float[] c, int rows, int cols,
                             int depth) {
        final int chunk = Math.max(L, Math.min(2048, roundUpTo(Math.max(1, cols / (4 * Parallel.threads())), L)));
        final int chunks = (cols + chunk - 1) / chunk;
        Parallel.forRange(chunks, 1, (from, to) -> {
            for (int t = from; t < to; t++) {
                int j0 = t * chunk;
                int j1 = Math.min(cols, j0 + chunk);
                int jv = j0 + (j1 - j0) / L * L;
                for (int i = 0; i < rows; i++) {
                    int ci = i * cols;
                    int ai = i * aPix;
                    int r = 0;
                    for (; r + 4 <= depth; r += 4) {
                        float f0 = a[ai + r * aR];
                        float f1 = a[ai + (r + 1) * aR];
                        float f2 = a[ai + (r + 2) * aR];
                        float f3 = a[ai + (r + 3) * aR];
                        FloatVector x0 = VC.cast(FloatVector.broadcast(S, f0));
                        FloatVector x1 = VC.cast(FloatVector.broadcast(S, f1));
                        FloatVector x2 = VC.cast(FloatVector.broadcast(S, f2));
                        FloatVector x3 = VC.cast(FloatVector.broadcast(S, f3));
                        int b0 = r * bR;
                        int b1 = b0 + bR;
                        int b2 = b1 + bR;
                        int b3 = b2 + bR;
                        for (int j = j0; j < jv; j += L) {
                            FloatVector v = VC.cast(FloatVector.fromArray(S, c, ci + j));
                            v = VC.cast(x0.fma(VC.cast(FloatVector.fromArray(S, b, b0 + j)), v));
                            v = VC.cast(x1.fma(VC.cast(FloatVector.fromArray(S, b, b1 + j)), v));
                            v = VC.cast(x2.fma(VC.cast(FloatVector.fromArray(S, b, b2 + j)), v));
                            v = VC.cast(x3.fma(VC.cast(FloatVector.fromArray(S, b, b3 + j)), v));
                            v.intoArray(c, ci + j);
                        }
                        for (int j = jv; j < j1; j++) {
                            c[ci + j] += f0 * b[b0 + j] + f1 * b[b1 + j] + f2 * b[b2 + j] + f3 * b[b3 + j];
                        }
                    }
                    for (; r < depth; r++) {
                        float f = a[ai + r * aR];
                        FloatVector x = VC.cast(FloatVector.broadcast(S, f));
                        int b0 = r * bR;
                        for (int j = j0; j < jv; j += L) {
                            VC.cast(x.fma(VC.cast(FloatVector.fromArray(S, b, b0 + j)),
                                    VC.cast(FloatVector.fromArray(S, c, ci + j)))).intoArray(c, ci + j);
                        }
                        for (int j = jv; j < j1; j++) {
                            c[ci + j] += f * b[b0 + j];
                        }
                    }
                }
            }
        });
    }

    private static int roundUpTo(int v, int m) {
        return (v + m - 1) / m * m;
    }

    @Override
    public void matmulTransB(float[] a, float[] b, float[] c, int m, int n, int k) {
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

    private static int roundUp4(int v) {
        return (v + 3) / 4 * 4;
    }

    private static void dot3x4(float[] a, float[] b, float[] c, int n, int k, int i0, int p0) {
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
    private static float finish(FloatVector s, float[] a, int ao, float[] b, int bo, int nv, int n) {
        float r = VC.cast(s).reduceLanes(VectorOperators.ADD);
        for (int j = nv; j < n; j++) {
            r += a[ao + j] * b[bo + j];
        }
        return r;
    }

    private static void dot1x4(float[] a, float[] b, float[] c, int n, int k, int i, int p0) {
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

    private static float dot(float[] a, int ao, float[] b, int bo, int n) {
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

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
