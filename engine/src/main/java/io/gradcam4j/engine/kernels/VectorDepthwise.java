package io.gradcam4j.engine.kernels;

import io.gradcam4j.engine.Workspace;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

import static io.gradcam4j.engine.kernels.VectorLanes.S;
import static io.gradcam4j.engine.kernels.VectorLanes.VC;
import static io.gradcam4j.engine.kernels.VectorLanes.L;
import static io.gradcam4j.engine.kernels.VectorPanels.ceilDiv;

/**
 * Depthwise convolution and its gradients on the Vector API: channels are the vector lanes, and a
 * tile keeps one accumulator per output pixel of a row in registers.
 */
final class VectorDepthwise {
    private VectorDepthwise() {
    }

    /** x with each channel repeated mult times, so a multiplier-m depthwise conv becomes a multiplier-1 one. */
    static float[] expandChannels(float[] x, int pixels, int cin, int mult) {
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
    static final int DW_TILE = 8;

    /**
     * out = the depthwise convolution of x, or e of it (e, unless null, applied to each output row
     * as soon as it is done, while it is in cache): tiles of {@link #DW_TILE} pixels, and single
     * pixels at the borders, store the sums of the taps that read inside the image (none is added to
     * out). Storing them, where the tiles used to load the output and add to it (after the caller
     * had zeroed it), made the kernel 8 to 20 % faster at 19x19x728 and 56x56x256 on Zen 5. It
     * stays far from the FMA peak (about 50 GFLOP/s per core, a fifth of it): the same
     * tiles reach twice that when the rows fit in L1, and a kernel that kept the nine weights of a
     * 3x3 window in registers along a whole row (30 loads per 72 multiply-adds instead of 57) was no
     * faster, so the kernel waits on memory, not on its loads. (That kernel's 72 unrolled
     * multiply-adds also proved too large for C2 on JDK 17: depending on which shape ran first, its
     * vector operations stayed calls, 100 times slower.) Part of the wait is alignment: HotSpot puts
     * a float[]'s first element 16 bytes past a 64-byte line in the large arrays G1 places at region
     * starts, so each 16-lane load spans two cache lines; channel vectors started at 12 instead ran
     * 20 % faster, but Java does not say where an array starts.
     */
    static void depthwiseConv2d(float[] x, float[] w, int mult, WindowGeometry g, Epilogue e, float[] out) {
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
                if (e != null) {   // the row is still in cache
                    VectorConv.epilogueRows(out, outRow, c, g.outW(), 0, c, e, out, outRow, c);
                }
            }
        });
    }

    /** Each tap's c weights repeated to fill one vector (c divides the lane count). */
    static float[] tiledWeights(float[] w, int taps, int c) {
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
    static int depthwiseTaps(WindowGeometry g, int c, int n, int oy, int ox, int[] tapW, int[] tapX) {
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
     * one accumulator per pixel in registers over all taps, so a loaded weight serves eight pixels, and
     * each sum is stored (not added to the output). A short tile repeats its last pixel, and the repeats
     * store to its place: the stores go from the last pixel down, so the real sum is stored last. With a
     * channel count that is not a multiple of the lanes, the last vector overlaps the one before and
     * stores the same sums again in the shared lanes.
     */
    static void depthwiseTile(float[] xe, float[] w, int c, int nt, int[] tapW, int[] tapX, int shift,
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
            // from the last pixel down: a short tile's repeats store to the last pixel's place before it does
            VC.cast(a7).intoArray(out, o7 + cs);
            VC.cast(a6).intoArray(out, o6 + cs);
            VC.cast(a5).intoArray(out, o5 + cs);
            VC.cast(a4).intoArray(out, o4 + cs);
            VC.cast(a3).intoArray(out, o3 + cs);
            VC.cast(a2).intoArray(out, o2 + cs);
            VC.cast(a1).intoArray(out, o1 + cs);
            VC.cast(a0).intoArray(out, o0 + cs);
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
    static void depthwiseTile3Wide(float[] xe, float[] w, int c, int nt, int[] tapW, int[] tapX, int shift,
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
            // from the last pixel down: a short tile's repeats store to the last pixel's place before it does
            VC.cast(a7).intoArray(out, o7 + cs);
            VC.cast(a6).intoArray(out, o6 + cs);
            VC.cast(a5).intoArray(out, o5 + cs);
            VC.cast(a4).intoArray(out, o4 + cs);
            VC.cast(a3).intoArray(out, o3 + cs);
            VC.cast(a2).intoArray(out, o2 + cs);
            VC.cast(a1).intoArray(out, o1 + cs);
            VC.cast(a0).intoArray(out, o + cs);
        }
    }

    /**
     * One output pixel, stored, with any taps outside the image skipped (borders, and fewer channels than
     * lanes). The last vector of channels may overlap the one before: it stores the same sums again.
     */
    static void depthwisePixel(float[] xe, float[] w, int c, WindowGeometry g, int n, int oy, int ox,
                                       float[] out, int o, int[] tapW, int[] tapX) {
        int nt = depthwiseTaps(g, c, n, oy, ox, tapW, tapX);
        if (c < L) {
            for (int ch = 0; ch < c; ch++) {
                float s = 0f;
                for (int k = 0; k < nt; k++) {
                    s += xe[tapX[k] + ch] * w[tapW[k] + ch];
                }
                out[o + ch] = s;
            }
            return;
        }
        for (int ch = 0; ch < c; ch += L) {
            int cs = Math.min(ch, c - L);
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
            VC.cast(VC.cast(VC.cast(a0).add(VC.cast(a1))).add(VC.cast(a2))).intoArray(out, o + cs);
        }
    }

    /** dx = the input gradient for output gradient dy: every value is stored. */
    static void depthwiseConv2dInputGrad(float[] dy, float[] w, int mult, WindowGeometry g, float[] dx) {
        final int c = g.channels() * mult;
        // with mult > 1 the gradient of the expanded input is summed over each channel's copies
        final float[] dxe = mult == 1 ? dx : Workspace.uninitialized(g.batch() * g.inH() * g.inW() * c);
        if (g.strideH() == 1 && g.strideW() == 1) {
            depthwiseConv2d(dy, flippedTaps(w, g.kh() * g.kw(), c), 1, transposed(g, c), null, dxe);
        } else {
            depthwiseInputGradStrided(dy, w, c, g, dxe);
        }
        if (mult > 1) {
            sumChannelCopies(dxe, g.batch() * g.inH() * g.inW(), g.channels(), mult, dx);
            Workspace.recycle(dxe);
        }
    }

    /** dx[px, ci] = the sum over m of dxe[px, ci * mult + m]: the gradient of {@link #expandChannels}. */
    private static void sumChannelCopies(float[] dxe, int pixels, int cin, int mult, float[] dx) {
        Parallel.forRange(pixels, 256, (from, to) -> {
            for (int px = from; px < to; px++) {
                for (int ci = 0; ci < cin; ci++) {
                    float s = 0f;
                    int e = (px * cin + ci) * mult;
                    for (int m = 0; m < mult; m++) {
                        s += dxe[e + m];
                    }
                    dx[px * cin + ci] = s;
                }
            }
        });
    }

    /**
     * The input gradient of a stride-1 depthwise convolution is itself one: dy convolved with the kernel
     * turned by 180 degrees, padded so that output pixel (iy, ix) reads dy at (iy + padTop - ky * dilationH, ...).
     */
    static WindowGeometry transposed(WindowGeometry g, int c) {
        return new WindowGeometry(g.batch(), g.outH(), g.outW(), c, g.kh(), g.kw(), 1, 1, g.dilationH(),
                g.dilationW(), (g.kh() - 1) * g.dilationH() - g.padTop(), (g.kw() - 1) * g.dilationW() - g.padLeft(),
                g.inH(), g.inW());
    }

    /** Depthwise weights (taps, c) with the taps in reverse order: the kernel turned by 180 degrees. */
    static float[] flippedTaps(float[] w, int taps, int c) {
        float[] f = new float[taps * c];
        for (int t = 0; t < taps; t++) {
            System.arraycopy(w, (taps - 1 - t) * c, f, t * c, c);
        }
        return f;
    }

    /** The input gradient for any strides, stored: for each input pixel, the output pixels that read it. */
    static void depthwiseInputGradStrided(float[] dy, float[] w, int c, WindowGeometry g, float[] dxe) {
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
                    int o = (row * g.inW() + ix) * c;
                    if (nt == 0) {
                        Arrays.fill(dxe, o, o + c, 0f);   // no output pixel reads this input pixel
                        continue;
                    }
                    int ch = 0;
                    for (; ch < cv; ch += L) {
                        FloatVector acc = FloatVector.zero(S);
                        for (int k = 0; k < nt; k++) {
                            acc = FloatVector.fromArray(S, dy, tapY[k] + ch)
                                    .fma(FloatVector.fromArray(S, w, tapW[k] + ch), acc);
                        }
                        VC.cast(acc).intoArray(dxe, o + ch);
                    }
                    for (; ch < c; ch++) {
                        float s = 0f;
                        for (int k = 0; k < nt; k++) {
                            s += dy[tapY[k] + ch] * w[tapW[k] + ch];
                        }
                        dxe[o + ch] = s;
                    }
                }
            }
        });
    }

    static void depthwiseConv2dKernelGrad(float[] x, float[] dy, int mult, WindowGeometry g, float[] dw) {
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
}
