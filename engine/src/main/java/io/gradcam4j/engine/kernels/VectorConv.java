package io.gradcam4j.engine.kernels;

import io.gradcam4j.engine.Workspace;
import jdk.incubator.vector.FloatVector;

import static io.gradcam4j.engine.kernels.VectorLanes.S;
import static io.gradcam4j.engine.kernels.VectorLanes.VC;
import static io.gradcam4j.engine.kernels.VectorLanes.L;
import static io.gradcam4j.engine.kernels.VectorLanes.H;
import static io.gradcam4j.engine.kernels.VectorLanes.HC;
import static io.gradcam4j.engine.kernels.VectorLanes.HL;
import static io.gradcam4j.engine.kernels.VectorTiles.P;
import static io.gradcam4j.engine.kernels.VectorTiles.NB;
import static io.gradcam4j.engine.kernels.VectorTiles.NW;
import static io.gradcam4j.engine.kernels.VectorTiles.k6x1HalfRows;
import static io.gradcam4j.engine.kernels.VectorTiles.k6x1Rows;
import static io.gradcam4j.engine.kernels.VectorTiles.k6x2Rows;
import static io.gradcam4j.engine.kernels.VectorTiles.k6x4Rows;
import static io.gradcam4j.engine.kernels.VectorPanels.pack;
import static io.gradcam4j.engine.kernels.VectorPanels.groupWidth;
import static io.gradcam4j.engine.kernels.VectorPanels.ceilDiv;

/**
 * The forward convolution on the Vector API: output pixels times output channels in register tiles
 * ({@link VectorTiles}) over a zero-padded copy of the input ({@link PaddedInput}), the weights
 * packed in panels ({@link VectorPanels}), with an optional epilogue (bias, folded BatchNormalization,
 * relu) applied as each tile is stored.
 */
final class VectorConv {
    private VectorConv() {
    }

    /**
     * Largest part of one weight panel (reduction rows x {@link VectorTiles#NW} floats) that a convolution
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
    /**
     * Input rows (pixels x reduction) that the unblocked convolution runs all its column groups
     * over before it moves on: 128K floats (512 KB) stay in L2 beside a weight panel while every
     * panel streams over them. Column groups outermost instead read the whole input once per
     * group: at batch 32, Xception's 19x19x728 pointwise convolutions read 34 MB 12 times, at
     * 218 GFLOP/s against 266 in blocks (Zen 5, 2 threads, medians of 5 alternated runs).
     */
    private static final int PIXEL_BLOCK_FLOATS = 128 * 1024;
    /**
     * Output pixels are numbered flat over (n, oy, ox), which is also their order in {@code out}, and
     * cut into tiles of {@link VectorTiles#P} consecutive pixels whatever image row they lie on: a 19-wide
     * image then needs 61 tiles for its 361 pixels instead of 4 tiles per row (76). Each pixel's
     * window starts at its own offset in the zero-padded input ({@link PaddedInput}), and the taps are
     * the same segments relative to that origin for every pixel, so all tiles share one
     * {@link Segs}. A 1x1 stride-1 unpadded convolution is then a single segment per pixel.
     * Tasks are (pixel block, column group, pixel tile), see {@link #PIXEL_BLOCK_FLOATS}: a thread's
     * chunk streams through one panel of packed weights at a time, over input that stays in L2.
     */
    static void conv2d(float[] x, float[] w, int cout, WindowGeometry g, float[] out) {
        float[] wp = pack(w, g.kh() * g.kw() * g.channels(), cout, cout, NW);
        convolve(x, wp, cout, g, null, out);
        Workspace.recycle(wp);   // a per-call copy: inside a graph run the next layer reuses it (see Workspace)
    }

    /**
     * out += conv, or with an epilogue out = e(conv), with the kernel packed by {@link VectorPanels#pack} in
     * panels of {@link VectorTiles#NW} columns: the whole reduction of a tile is one call.
     */
    static void convolve(float[] x, float[] wp, int cout, WindowGeometry g, Epilogue e, float[] out) {
        final int pixels = g.batch() * g.outH() * g.outW();
        final int wRows = g.kh() * g.kw() * g.channels();
        if (pixels == 0 || cout == 0 || wRows == 0) {
            return;
        }
        final PaddedInput in = PaddedInput.of(x, g);
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
            // pixel blocks outermost, then column groups, then the block's tiles (see PIXEL_BLOCK_FLOATS)
            final int blockTiles = Math.max(1, PIXEL_BLOCK_FLOATS / (P * wRows));
            Parallel.forRange(tiles * groups, 1, (from, to) -> {
                float[] scratch = new float[P * nb];
                for (int t = from; t < to; t++) {
                    int block = t / (groups * blockTiles);
                    int firstTile = block * blockTiles;
                    int tilesInBlock = Math.min(blockTiles, tiles - firstTile);
                    int r = t - block * groups * blockTiles;
                    int colFrom = (r / tilesInBlock) * gw;
                    int colTo = Math.min(cout, colFrom + gw);
                    int p0 = (firstTile + r % tilesInBlock) * P;
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
    static void convolveBlocked(float[] a, int[] origin, int pixels, float[] wp, int wRows, int nb, Segs sg,
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
    static Segs cutSegs(Segs sg, int blockRows, int[] firstSeg) {
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
    static void clearTile(float[] out, int cout, int p0, int cnt, int colFrom, int colTo) {
        for (int p = p0; p < p0 + cnt; p++) {
            java.util.Arrays.fill(out, p * cout + colFrom, p * cout + colTo, 0f);
        }
    }

    /** Replaces the sums of pixels [p0, p0 + cnt) in channels [colFrom, colTo) by e(sum). */
    static void epilogueTile(float[] out, int cout, int p0, int cnt, int colFrom, int colTo, Epilogue e) {
        epilogueRows(out, p0 * cout, cout, cnt, colFrom, colTo, e, out, p0 * cout, cout);
    }

    /**
     * dst[dstOff + p*dstPix + j] = e(src[srcOff + p*srcPix + j]) for {@code rows} pixels p and the
     * channels j in [colFrom, colTo): whole vectors, half a vector, then one by one. One vector of
     * clamp(shift + sum, lo, hi) is the same float as clamp(sum + shift); each result is cast (see
     * {@link VectorLanes#VC}) before it becomes the next operation's vector. The vectors live in
     * this method only: a vector passed to a call that C2 did not inline is boxed, and whether it
     * inlines depends on how large the caller has grown.
     */
    static void epilogueRows(float[] src, int srcOff, int srcPix, int rows, int colFrom, int colTo, Epilogue e,
                             float[] dst, int dstOff, int dstPix) {
        float[] shift = e.shift();
        float lo = e.min();
        float hi = e.max();
        int vectorEnd = colFrom + (colTo - colFrom) / L * L;
        for (int p = 0; p < rows; p++) {
            int s = srcOff + p * srcPix;
            int d = dstOff + p * dstPix;
            for (int j = colFrom; j < vectorEnd; j += L) {
                // lo and hi broadcast here, not once before the loops: C2 boxed vectors held across them
                FloatVector shifted = VC.cast(FloatVector.fromArray(S, shift, j).add(FloatVector.fromArray(S, src, s + j)));
                VC.cast(VC.cast(shifted.max(FloatVector.broadcast(S, lo))).min(FloatVector.broadcast(S, hi)))
                        .intoArray(dst, d + j);
            }
            int j = vectorEnd;
            if (j + HL <= colTo) {
                epilogueHalfVector(shift, j, src, s + j, lo, hi, dst, d + j);
                j += HL;
            }
            for (; j < colTo; j++) {
                dst[d + j] = e.apply(src[s + j], j);
            }
        }
    }

    /** One half vector ({@link VectorLanes#H}) of {@link #epilogueRows}. */
    static void epilogueHalfVector(float[] shift, int j, float[] src, int srcOff, float lo, float hi, float[] dst,
                                   int dstOff) {
        FloatVector sum = FloatVector.fromArray(H, src, srcOff);
        FloatVector shifted = HC.cast(FloatVector.fromArray(H, shift, j).add(sum));
        FloatVector low = FloatVector.broadcast(H, lo);
        FloatVector high = FloatVector.broadcast(H, hi);
        HC.cast(HC.cast(shifted.max(low)).min(high)).intoArray(dst, dstOff);
    }

    /**
     * The taps of a window in an input of width {@code w}: tap (ky, kx) reads {@code cin} channels
     * at ((ky*dilationH)*w + kx*dilationW)*cin from the window's origin, against weight rows
     * (ky*kw + kx)*cin of the packed weights. With dilationW = 1 the taps of a kernel row are
     * contiguous in both and merge into one segment of kw*cin.
     */
    static Segs windowSegs(WindowGeometry g, int w, int nb) {
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
     * Output pixels [p0, p0 + cnt), cnt &lt;= {@link VectorTiles#P}, whose windows start at {@code origin[p]} in
     * a, times the output channels [colFrom, colTo) in blocks of nb columns (the panel width of
     * wp: {@link VectorTiles#NW}; colFrom a multiple of it), summed over the segments [s0, s1) of sg (all of
     * them, or one reduction block of {@link #convolveBlocked}), added to out, or, with an
     * epilogue {@code e}, stored through it (the tile replaces the output, then
     * {@link #epilogueTile} runs on it). A full tile is stored in place as far as
     * {@link #tileInPlace} reaches; a last, partial tile, and the columns of a block it leaves,
     * run into {@code scratch} instead (a partial tile repeats its last pixel in the missing
     * rows), of which only the real part is added or goes through the epilogue.
     */
    static void convTile(float[] a, int[] origin, int p0, int cnt, float[] wp, int wRows, int nb, Segs sg,
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
            int stored = 0;
            if (cnt == P) {
                stored = tileInPlace(a, o, d1, d2, d3, d4, d5, wp, sg, s0, s1, bShift, nb, width, out, cOff + j,
                        cout, e == null);
                if (e != null) {
                    epilogueTile(out, cout, p0, P, j, j + stored, e);
                }
            }
            if (stored < width) {
                tileViaScratch(a, o, d1, d2, d3, d4, d5, wp, sg, s0, s1, bShift, nb, cnt, stored, width, scratch,
                        out, cOff + j, cout, j, e);
            }
        }
    }

    /**
     * Columns [stored, width) of pixels [0, cnt) of a tile (a partial tile repeats its last pixel
     * in the missing rows) through {@code scratch}, nb wide: the vectors of the panel that hold those
     * columns, then only the real part is added to out or goes through the epilogue (whose
     * channels start at {@code j}).
     */
    static void tileViaScratch(float[] a, int o, int d1, int d2, int d3, int d4, int d5, float[] wp, Segs sg, int s0,
                               int s1, int bShift, int nb, int cnt, int stored, int width, float[] scratch,
                               float[] out, int cOff, int cout, int j, Epilogue e) {
        java.util.Arrays.fill(scratch, 0f);
        int first = stored / NB * NB;
        if (first == 0 && width == nb && nb != NB) {
            k6x4Rows(a, o, d1, d2, d3, d4, d5, wp, sg, s0, s1, bShift, scratch, 0, nb, true);
        } else {
            // two vectors at a time, as far as the block has columns (the panel stays nb wide)
            for (int jj = first; jj < width; jj += NB) {
                k6x2Rows(a, o, d1, d2, d3, d4, d5, wp, sg, s0, s1, bShift + jj, scratch, jj, nb, true);
            }
        }
        // pixel p's channel j + jj: at cOff + p*cout + jj in out, at p*nb + jj in scratch
        if (e != null) {
            epilogueRows(scratch, -j, nb, cnt, j + stored, j + width, e, out, cOff - j, cout);
            return;
        }
        for (int p = 0; p < cnt; p++) {
            for (int jj = stored; jj < width; jj++) {
                out[cOff + p * cout + jj] += scratch[p * nb + jj];
            }
        }
    }

    /**
     * A full tile's columns [0, width) of one panel (at {@code bShift} in wp, nb wide), added to or
     * replacing {@code out[cOff + p*cout ...]}, in tiles that store whole vectors: the panel's
     * register tile when the block is whole, else two vectors at a time, then one vector and half
     * a vector. Returns the columns stored. A rest wider than one vector is left to
     * {@link #tileViaScratch}: one two-vector tile there (6 broadcasts per step) costs less than a
     * one-vector and a half-vector tile here (12), and copying 6 rows of it is cheap; a narrow
     * block (MobileNet's stem: 8 columns of a 64-wide panel) runs in place, where a two-vector tile
     * would compute four times its columns.
     */
    static int tileInPlace(float[] a, int o, int d1, int d2, int d3, int d4, int d5, float[] wp, Segs sg, int s0,
                           int s1, int bShift, int nb, int width, float[] out, int cOff, int cout,
                           boolean accumulate) {
        if (width == nb) {
            if (nb == NB) {
                k6x2Rows(a, o, d1, d2, d3, d4, d5, wp, sg, s0, s1, bShift, out, cOff, cout, accumulate);
            } else {
                k6x4Rows(a, o, d1, d2, d3, d4, d5, wp, sg, s0, s1, bShift, out, cOff, cout, accumulate);
            }
            return nb;
        }
        int jj = 0;
        for (; jj + NB <= width; jj += NB) {
            k6x2Rows(a, o, d1, d2, d3, d4, d5, wp, sg, s0, s1, bShift + jj, out, cOff + jj, cout, accumulate);
        }
        int rest = width - jj;
        if (rest > L) {
            return jj;   // see above: one two-vector tile through scratch
        }
        if (rest == L) {
            k6x1Rows(a, o, d1, d2, d3, d4, d5, wp, sg, s0, s1, bShift + jj, out, cOff + jj, cout, accumulate);
            return width;
        }
        if (rest >= HL) {
            k6x1HalfRows(a, o, d1, d2, d3, d4, d5, wp, sg, s0, s1, bShift + jj, out, cOff + jj, cout, accumulate);
            jj += HL;
        }
        return jj;
    }
}
