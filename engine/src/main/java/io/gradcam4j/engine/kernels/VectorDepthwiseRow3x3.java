package io.gradcam4j.engine.kernels;

import jdk.incubator.vector.FloatVector;

import static io.gradcam4j.engine.kernels.VectorLanes.S;
import static io.gradcam4j.engine.kernels.VectorLanes.L;
import static io.gradcam4j.engine.kernels.VectorLanes.VC;

/**
 * The interior of one output row of a 3x3 depthwise convolution with stride 1 and no dilation along
 * x (the layer of Xception, MobileNet and EfficientNet), for one vector of channels: the nine weight
 * vectors are loaded once and stay in registers for the whole row, and a tile of {@value #T} output
 * pixels reads the ten input columns under it once per kernel row, each column serving up to three
 * pixels. So a tile costs 30 loads and 8 stores for 72 multiply-adds, where a tile that loaded its
 * weights and added into the output needed 73 loads. The sums overwrite the output, so the caller
 * need not zero it first.
 *
 * <p>Fewer loads did not make it much faster on Zen 5: at 45 to 50 GFLOP/s per core on real layer
 * shapes (a fifth of the FMA peak) against about 100 when the same rows fit in L1, the kernel waits
 * on memory. A float[]'s elements start 16 bytes past a 64-byte line (HotSpot's array header) in the
 * large arrays the G1 collector places at region starts, so every 64-byte vector load of channels
 * 16k..16k+15 spans two cache lines; starting the channel vectors at 12 instead (aligned loads) was
 * 20 % faster at 56x56x256, but Java does not say where an array starts, so it is not done here.
 *
 * <p>The accumulators live inside one iteration of the tile loop and the weights are loop
 * invariants: no vector is carried from one iteration to the next, which C2 on JDK 17 would box
 * (see {@link VectorTiles}). Each accumulator is cast ({@link VectorLanes#VC}) where it is used, so
 * that C2 turns its 72 multiply-adds and 8 stores into instructions as it parses them: left to late
 * inlining, a tile of twice this size ran past C2's node budget and its stores stayed calls.
 */
final class VectorDepthwiseRow3x3 {
    /** Output pixels per tile: eight sums and nine weights fit AVX-512's 32 registers. */
    static final int T = 8;

    private VectorDepthwiseRow3x3() {
    }

    /**
     * Output pixels {@code [from, to)} of one row, channels {@code [cs, cs + L)}. Kernel row r reads
     * {@code xr} (the input or a row of zeros) from {@code sr}, the offset of its column 0,
     * channel 0; output pixel ox reads input columns ox - padLeft to ox - padLeft + 2, all
     * inside the image. {@code w} is the (3, 3, c) kernel; the sums go to {@code out} from
     * {@code outRow} (pixel 0 of the row, channel 0). The last tile of a row may overlap the one
     * before: its pixels get the same sums again.
     */
    static void interior(float[] x0, int s0, float[] x1, int s1, float[] x2, int s2, float[] w, int c, int cs,
                         int padLeft, int from, int to, float[] out, int outRow) {
        FloatVector w00 = FloatVector.fromArray(S, w, cs);
        FloatVector w01 = FloatVector.fromArray(S, w, cs + c);
        FloatVector w02 = FloatVector.fromArray(S, w, cs + 2 * c);
        FloatVector w10 = FloatVector.fromArray(S, w, cs + 3 * c);
        FloatVector w11 = FloatVector.fromArray(S, w, cs + 4 * c);
        FloatVector w12 = FloatVector.fromArray(S, w, cs + 5 * c);
        FloatVector w20 = FloatVector.fromArray(S, w, cs + 6 * c);
        FloatVector w21 = FloatVector.fromArray(S, w, cs + 7 * c);
        FloatVector w22 = FloatVector.fromArray(S, w, cs + 8 * c);
        int n = to - from;
        // whole tiles, the last one shifted back to end at the row's end; a rest under half a tile goes pixel by pixel
        boolean shiftedLast = n >= T && n % T >= T / 2;
        int tiles = shiftedLast ? n / T + 1 : n / T;
        int pixelsFrom = shiftedLast ? to : from + tiles * T;
        for (int t = 0; t < tiles; t++) {
            int ox = Math.min(from + t * T, to - T);
            int q = (ox - padLeft) * c + cs;    // input column under the tile's first pixel, first kernel tap
            int i0 = s0 + q;
            int i1 = s1 + q;
            int i2 = s2 + q;
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector a4 = a0;
            FloatVector a5 = a0;
            FloatVector a6 = a0;
            FloatVector a7 = a0;
            // kernel row 0: input column j serves pixel j (tap 0), j - 1 (tap 1) and j - 2 (tap 2)
            FloatVector v = FloatVector.fromArray(S, x0, i0);
            a0 = v.fma(w00, VC.cast(a0));
            v = FloatVector.fromArray(S, x0, i0 + c);
            a1 = v.fma(w00, VC.cast(a1));
            a0 = v.fma(w01, VC.cast(a0));
            v = FloatVector.fromArray(S, x0, i0 + 2 * c);
            a2 = v.fma(w00, VC.cast(a2));
            a1 = v.fma(w01, VC.cast(a1));
            a0 = v.fma(w02, VC.cast(a0));
            v = FloatVector.fromArray(S, x0, i0 + 3 * c);
            a3 = v.fma(w00, VC.cast(a3));
            a2 = v.fma(w01, VC.cast(a2));
            a1 = v.fma(w02, VC.cast(a1));
            v = FloatVector.fromArray(S, x0, i0 + 4 * c);
            a4 = v.fma(w00, VC.cast(a4));
            a3 = v.fma(w01, VC.cast(a3));
            a2 = v.fma(w02, VC.cast(a2));
            v = FloatVector.fromArray(S, x0, i0 + 5 * c);
            a5 = v.fma(w00, VC.cast(a5));
            a4 = v.fma(w01, VC.cast(a4));
            a3 = v.fma(w02, VC.cast(a3));
            v = FloatVector.fromArray(S, x0, i0 + 6 * c);
            a6 = v.fma(w00, VC.cast(a6));
            a5 = v.fma(w01, VC.cast(a5));
            a4 = v.fma(w02, VC.cast(a4));
            v = FloatVector.fromArray(S, x0, i0 + 7 * c);
            a7 = v.fma(w00, VC.cast(a7));
            a6 = v.fma(w01, VC.cast(a6));
            a5 = v.fma(w02, VC.cast(a5));
            v = FloatVector.fromArray(S, x0, i0 + 8 * c);
            a7 = v.fma(w01, VC.cast(a7));
            a6 = v.fma(w02, VC.cast(a6));
            v = FloatVector.fromArray(S, x0, i0 + 9 * c);
            a7 = v.fma(w02, VC.cast(a7));
            // kernel row 1
            v = FloatVector.fromArray(S, x1, i1);
            a0 = v.fma(w10, VC.cast(a0));
            v = FloatVector.fromArray(S, x1, i1 + c);
            a1 = v.fma(w10, VC.cast(a1));
            a0 = v.fma(w11, VC.cast(a0));
            v = FloatVector.fromArray(S, x1, i1 + 2 * c);
            a2 = v.fma(w10, VC.cast(a2));
            a1 = v.fma(w11, VC.cast(a1));
            a0 = v.fma(w12, VC.cast(a0));
            v = FloatVector.fromArray(S, x1, i1 + 3 * c);
            a3 = v.fma(w10, VC.cast(a3));
            a2 = v.fma(w11, VC.cast(a2));
            a1 = v.fma(w12, VC.cast(a1));
            v = FloatVector.fromArray(S, x1, i1 + 4 * c);
            a4 = v.fma(w10, VC.cast(a4));
            a3 = v.fma(w11, VC.cast(a3));
            a2 = v.fma(w12, VC.cast(a2));
            v = FloatVector.fromArray(S, x1, i1 + 5 * c);
            a5 = v.fma(w10, VC.cast(a5));
            a4 = v.fma(w11, VC.cast(a4));
            a3 = v.fma(w12, VC.cast(a3));
            v = FloatVector.fromArray(S, x1, i1 + 6 * c);
            a6 = v.fma(w10, VC.cast(a6));
            a5 = v.fma(w11, VC.cast(a5));
            a4 = v.fma(w12, VC.cast(a4));
            v = FloatVector.fromArray(S, x1, i1 + 7 * c);
            a7 = v.fma(w10, VC.cast(a7));
            a6 = v.fma(w11, VC.cast(a6));
            a5 = v.fma(w12, VC.cast(a5));
            v = FloatVector.fromArray(S, x1, i1 + 8 * c);
            a7 = v.fma(w11, VC.cast(a7));
            a6 = v.fma(w12, VC.cast(a6));
            v = FloatVector.fromArray(S, x1, i1 + 9 * c);
            a7 = v.fma(w12, VC.cast(a7));
            // kernel row 2
            v = FloatVector.fromArray(S, x2, i2);
            a0 = v.fma(w20, VC.cast(a0));
            v = FloatVector.fromArray(S, x2, i2 + c);
            a1 = v.fma(w20, VC.cast(a1));
            a0 = v.fma(w21, VC.cast(a0));
            v = FloatVector.fromArray(S, x2, i2 + 2 * c);
            a2 = v.fma(w20, VC.cast(a2));
            a1 = v.fma(w21, VC.cast(a1));
            a0 = v.fma(w22, VC.cast(a0));
            v = FloatVector.fromArray(S, x2, i2 + 3 * c);
            a3 = v.fma(w20, VC.cast(a3));
            a2 = v.fma(w21, VC.cast(a2));
            a1 = v.fma(w22, VC.cast(a1));
            v = FloatVector.fromArray(S, x2, i2 + 4 * c);
            a4 = v.fma(w20, VC.cast(a4));
            a3 = v.fma(w21, VC.cast(a3));
            a2 = v.fma(w22, VC.cast(a2));
            v = FloatVector.fromArray(S, x2, i2 + 5 * c);
            a5 = v.fma(w20, VC.cast(a5));
            a4 = v.fma(w21, VC.cast(a4));
            a3 = v.fma(w22, VC.cast(a3));
            v = FloatVector.fromArray(S, x2, i2 + 6 * c);
            a6 = v.fma(w20, VC.cast(a6));
            a5 = v.fma(w21, VC.cast(a5));
            a4 = v.fma(w22, VC.cast(a4));
            v = FloatVector.fromArray(S, x2, i2 + 7 * c);
            a7 = v.fma(w20, VC.cast(a7));
            a6 = v.fma(w21, VC.cast(a6));
            a5 = v.fma(w22, VC.cast(a5));
            v = FloatVector.fromArray(S, x2, i2 + 8 * c);
            a7 = v.fma(w21, VC.cast(a7));
            a6 = v.fma(w22, VC.cast(a6));
            v = FloatVector.fromArray(S, x2, i2 + 9 * c);
            a7 = v.fma(w22, VC.cast(a7));
            int o = outRow + ox * c + cs;
            VC.cast(a0).intoArray(out, o);
            VC.cast(a1).intoArray(out, o + c);
            VC.cast(a2).intoArray(out, o + 2 * c);
            VC.cast(a3).intoArray(out, o + 3 * c);
            VC.cast(a4).intoArray(out, o + 4 * c);
            VC.cast(a5).intoArray(out, o + 5 * c);
            VC.cast(a6).intoArray(out, o + 6 * c);
            VC.cast(a7).intoArray(out, o + 7 * c);
        }
        for (int ox = pixelsFrom; ox < to; ox++) {
            int q = (ox - padLeft) * c + cs;
            pixel(x0, s0 + q, x1, s1 + q, x2, s2 + q, w, cs, c, out,
                    outRow + ox * c + cs);
        }
    }

    /**
     * One interior pixel: one sum per kernel row, three short chains of multiply-adds instead of one
     * long one. It loads its weights (from L1): vectors passed to a method that C2 does not inline
     * (this one is too large for it) would be boxed.
     */
    private static void pixel(float[] x0, int i0, float[] x1, int i1, float[] x2, int i2, float[] w, int cs, int c,
                              float[] out, int o) {
        FloatVector r0 = FloatVector.fromArray(S, x0, i0).mul(FloatVector.fromArray(S, w, cs));
        FloatVector r1 = FloatVector.fromArray(S, x1, i1).mul(FloatVector.fromArray(S, w, cs + 3 * c));
        FloatVector r2 = FloatVector.fromArray(S, x2, i2).mul(FloatVector.fromArray(S, w, cs + 6 * c));
        r0 = FloatVector.fromArray(S, x0, i0 + c).fma(FloatVector.fromArray(S, w, cs + c), VC.cast(r0));
        r1 = FloatVector.fromArray(S, x1, i1 + c).fma(FloatVector.fromArray(S, w, cs + 4 * c), VC.cast(r1));
        r2 = FloatVector.fromArray(S, x2, i2 + c).fma(FloatVector.fromArray(S, w, cs + 7 * c), VC.cast(r2));
        r0 = FloatVector.fromArray(S, x0, i0 + 2 * c).fma(FloatVector.fromArray(S, w, cs + 2 * c), VC.cast(r0));
        r1 = FloatVector.fromArray(S, x1, i1 + 2 * c).fma(FloatVector.fromArray(S, w, cs + 5 * c), VC.cast(r1));
        r2 = FloatVector.fromArray(S, x2, i2 + 2 * c).fma(FloatVector.fromArray(S, w, cs + 8 * c), VC.cast(r2));
        VC.cast(VC.cast(VC.cast(r0).add(VC.cast(r1))).add(VC.cast(r2))).intoArray(out, o);
    }

    /**
     * A pixel at the left or right border whose first input column is {@code ix}: a column outside
     * [0, inW) reads {@code zeros} (at least c floats), as a kernel row outside the image does.
     */
    static void border(float[] x0, int s0, float[] x1, int s1, float[] x2, int s2, float[] zeros, int inW,
                       float[] w, int c, int cs, int ix, float[] out, int o) {
        boolean in0 = ix >= 0 && ix < inW;
        boolean in1 = ix + 1 >= 0 && ix + 1 < inW;
        boolean in2 = ix + 2 >= 0 && ix + 2 < inW;
        int q = ix * c + cs;
        FloatVector r0 = FloatVector.fromArray(S, in0 ? x0 : zeros, in0 ? s0 + q : cs)
                .mul(FloatVector.fromArray(S, w, cs));
        FloatVector r1 = FloatVector.fromArray(S, in0 ? x1 : zeros, in0 ? s1 + q : cs)
                .mul(FloatVector.fromArray(S, w, cs + 3 * c));
        FloatVector r2 = FloatVector.fromArray(S, in0 ? x2 : zeros, in0 ? s2 + q : cs)
                .mul(FloatVector.fromArray(S, w, cs + 6 * c));
        r0 = FloatVector.fromArray(S, in1 ? x0 : zeros, in1 ? s0 + q + c : cs)
                .fma(FloatVector.fromArray(S, w, cs + c), VC.cast(r0));
        r1 = FloatVector.fromArray(S, in1 ? x1 : zeros, in1 ? s1 + q + c : cs)
                .fma(FloatVector.fromArray(S, w, cs + 4 * c), VC.cast(r1));
        r2 = FloatVector.fromArray(S, in1 ? x2 : zeros, in1 ? s2 + q + c : cs)
                .fma(FloatVector.fromArray(S, w, cs + 7 * c), VC.cast(r2));
        r0 = FloatVector.fromArray(S, in2 ? x0 : zeros, in2 ? s0 + q + 2 * c : cs)
                .fma(FloatVector.fromArray(S, w, cs + 2 * c), VC.cast(r0));
        r1 = FloatVector.fromArray(S, in2 ? x1 : zeros, in2 ? s1 + q + 2 * c : cs)
                .fma(FloatVector.fromArray(S, w, cs + 5 * c), VC.cast(r1));
        r2 = FloatVector.fromArray(S, in2 ? x2 : zeros, in2 ? s2 + q + 2 * c : cs)
                .fma(FloatVector.fromArray(S, w, cs + 8 * c), VC.cast(r2));
        VC.cast(VC.cast(VC.cast(r0).add(VC.cast(r1))).add(VC.cast(r2))).intoArray(out, o);
    }

    /**
     * Whether this class computes the rows of this geometry (channels already expanded to c). Not at
     * 8 lanes: AVX2's 16 registers do not hold the nine weights and eight sums, and the spills made
     * it 20 to 40 % slower than {@link VectorDepthwise}'s tiles there.
     */
    static boolean handles(WindowGeometry g, int c) {
        return L >= 16 && g.kh() == 3 && g.kw() == 3 && g.strideW() == 1 && g.dilationW() == 1 && c >= L;
    }
}
