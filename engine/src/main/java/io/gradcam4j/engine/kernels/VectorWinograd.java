package io.gradcam4j.engine.kernels;

import io.gradcam4j.engine.Workspace;
import jdk.incubator.vector.FloatVector;

import static io.gradcam4j.engine.kernels.VectorTiles.NB;
import static io.gradcam4j.engine.kernels.VectorTiles.NW;
import static io.gradcam4j.engine.kernels.VectorTiles.P;
import static io.gradcam4j.engine.kernels.VectorTiles.k6x2Rows;
import static io.gradcam4j.engine.kernels.VectorTiles.k6x4Rows;
import static io.gradcam4j.engine.kernels.VectorLanes.L;
import static io.gradcam4j.engine.kernels.VectorLanes.S;
import static io.gradcam4j.engine.kernels.VectorLanes.VC;

/**
 * Winograd's F(2x2, 3x3) convolution (Lavin and Gray, "Fast Algorithms for Convolutional Neural
 * Networks", 2016) for 3x3 kernels with stride and dilation 1: each 2x2 block of output pixels
 * (a "tile") is computed from its 4x4 input patch d as
 * <pre>
 *   Y = A^T [ (G g G^T) (.) (B^T d B) ] A        (.) = elementwise, per input/output channel pair
 * </pre>
 * The sum over input channels of the elementwise products is, for each of the 16 positions xi of
 * the 4x4 transformed tile, a matrix product {@code V[xi] (tiles x cin) * U[xi] (cin x cout)}: 16
 * GEMMs run in the register tiles of {@link VectorTiles}, with 16 multiply-adds per tile and
 * channel pair where direct convolution needs 36 (2.25x fewer).
 *
 * <p>F(2x2, 3x3) and not F(4x4, 3x3) (4x fewer): its transforms have only the coefficients 0, 1 and
 * 1/2, so its float error stays at the level of direct convolution's (the tests hold it to 1e-5
 * against the scalar direct kernel), while F(4x4) multiplies the input by up to 4 and 8 and loses
 * about two more digits, too close to the 1e-4 bar the TF.js fixtures hold whole models to.
 *
 * <p>Tiles are numbered flat over (n, tile row, tile column): the batch is part of the GEMM's row
 * dimension. A layer runs in one of two ways, the one that moves fewer floats ({@link #inPhases}):
 * in blocks of {@link #blockTiles} tiles, where one task transforms a block's input into V, runs
 * the 16 GEMMs into M and transforms M into the output, all in per-thread scratch, with the
 * transformed weights U (made once, {@link #transformKernel}) streaming past; or as three parallel
 * phases over runs of up to {@link #phaseTiles} tiles, where U is read once per run.
 */
final class VectorWinograd {
    /**
     * Fewer input or output channels than this run direct: the GEMMs' reduction is cin (direct
     * convolution's is 9 cin), and a 3-channel stem would spend its time in the transforms.
     */
    static final int MIN_CHANNELS = 32;
    /** Fewer 2x2 output tiles than this (an output under about 12x12 at batch 1) run direct: see {@link #applies}. */
    static final int MIN_TILES = 36;
    /**
     * Target floats of one block's V and M together: 2 MB, more than the L2 (1 MB on Zen 5), but
     * each GEMM touches one plane of V and of M and one panel of U at a time (about 250 KB at 512
     * channels), which stay in L2; bigger blocks stream the transformed kernel (16 MB at 512 -> 512)
     * from memory fewer times. Measured (A/B in one JVM, 2 shared cores, noisy): 14x14 and 28x28
     * 512 -> 512 ran 1.3-1.8x faster than with 512 KB blocks; 224x224 64 -> 64 is capped at 96 tiles either way.
     */
    private static final int BLOCK_FLOATS = 512 * 1024;
    /** Per-thread V and M of the block being computed (pool threads live as long as the pool). */
    private static final ThreadLocal<float[]> SCRATCH = new ThreadLocal<>();

    private VectorWinograd() {
    }

    /**
     * Whether {@link #convolve} computes this convolution: a 3x3 kernel, stride 1, dilation 1, enough
     * channels, and at least {@link #MIN_TILES} 2x2 output tiles: with fewer, each of the 16 GEMMs has
     * fewer than six register tiles of rows, and the fixed costs of a block (streaming the whole
     * transformed kernel, the transforms' edges) outweigh the multiply-adds saved.
     */
    static boolean applies(WindowGeometry g, int cout) {
        long tiles = (long) g.batch() * ((g.outH() + 1) / 2) * ((g.outW() + 1) / 2);
        return g.kh() == 3 && g.kw() == 3 && g.strideH() == 1 && g.strideW() == 1 && g.dilationH() == 1
                && g.dilationW() == 1 && g.channels() >= MIN_CHANNELS && cout >= MIN_CHANNELS && tiles >= MIN_TILES;
    }

    /** The width of the column panels of U and M: four vectors with AVX-512, two with AVX2 (as {@link VectorTiles#NW}). */
    private static int panelWidth() {
        return NW;
    }

    /**
     * U = G g G^T for each (ci, co) of a kernel (3, 3, cin, cout), stored for the GEMMs as
     * {@code u[((xi * panels + j) * cin + ci) * nb + jj]} for output channel co = j * nb + jj: one
     * packed panel per position xi and block of nb output channels, zero beyond cout.
     * <pre>
     *   G = [ 1    0    0  ]
     *       [ 1/2  1/2  1/2]
     *       [ 1/2 -1/2  1/2]
     *       [ 0    0    1  ]
     * </pre>
     */
    static float[] transformKernel(float[] w, int cin, int cout) {
        // kept for the layer's life: not from the workspace
        return transformKernel(w, cin, cout, false, new float[transformedSize(cin, cout)]);
    }

    /** Floats of the transform of a kernel (3, 3, cin, cout): 16 panels of cin rows per block of output channels. */
    static int transformedSize(int cin, int cout) {
        int nb = panelWidth();
        return 16 * ((cout + nb - 1) / nb) * cin * nb;
    }

    /**
     * U into {@code u} (zero beyond cout, as {@link #transformedSize} long), of the kernel w
     * (3, 3, cin, cout), or with {@code flipped} of the kernel of the input gradient of a layer whose
     * kernel w is (3, 3, cout, cin): w turned by 180 degrees, its input and output channels exchanged.
     */
    private static float[] transformKernel(float[] w, int cin, int cout, boolean flipped, float[] u) {
        int nb = panelWidth();
        int panels = (cout + nb - 1) / nb;
        // by input channel, output channels innermost: panel rows of u written in order
        Parallel.forRange(cin, 8, (from, to) -> {
            for (int ci = from; ci < to; ci++) {
                for (int co = 0; co < cout; co++) {
                    transformOne(w, cin, cout, ci, co, flipped, u, panels, nb);
                }
            }
        });
        return u;
    }

    /** U for one pair (ci, co): G k G^T, k the 3x3 kernel of the pair. */
    private static void transformOne(float[] w, int cin, int cout, int ci, int co, boolean flipped, float[] u,
                                     int panels, int nb) {
        int tap = cin * cout;   // from one tap of w to the next
        int k = flipped ? co * cin + ci : ci * cout + co;
        // tap t = 3 ky + kx of the kernel wanted is tap t of w, or 8 - t when it is turned round
        int first = flipped ? 8 * tap : 0;
        int step = flipped ? -tap : tap;
        // G k: row r of the result combines the kernel's rows ky = 0, 1, 2 (columns c)
        float[] gk = new float[12];
        for (int c = 0; c < 3; c++) {
            float k0 = w[k + first + c * step];
            float k1 = w[k + first + (3 + c) * step];
            float k2 = w[k + first + (6 + c) * step];
            gk[c] = k0;
            gk[3 + c] = 0.5f * (k0 + k1 + k2);
            gk[6 + c] = 0.5f * (k0 - k1 + k2);
            gk[9 + c] = k2;
        }
        int j = co / nb;
        int jj = co % nb;
        // (G k) G^T: each row of 3 becomes 4
        for (int r = 0; r < 4; r++) {
            float k0 = gk[3 * r];
            float k1 = gk[3 * r + 1];
            float k2 = gk[3 * r + 2];
            u[index(4 * r, j, panels, cin, ci, nb) + jj] = k0;
            u[index(4 * r + 1, j, panels, cin, ci, nb) + jj] = 0.5f * (k0 + k1 + k2);
            u[index(4 * r + 2, j, panels, cin, ci, nb) + jj] = 0.5f * (k0 - k1 + k2);
            u[index(4 * r + 3, j, panels, cin, ci, nb) + jj] = k2;
        }
    }

    /**
     * dx += the input gradient of the convolution {@code g} (which {@link #applies}) with kernel w
     * (3, 3, cin, cout), for output gradient dy. It is itself a 3x3 stride-1 convolution: of dy, with
     * w turned by 180 degrees and its channels exchanged, padded by 2 - padTop and 2 - padLeft, so it
     * runs as {@link #convolve}, on a kernel transformed for the call and into a temporary that is
     * then added to dx (Winograd stores its results; the kernels' contract adds them).
     */
    static void convolveInputGrad(float[] dy, float[] w, int cout, WindowGeometry g, float[] dx) {
        int cin = g.channels();
        WindowGeometry transposed = new WindowGeometry(g.batch(), g.outH(), g.outW(), cout, 3, 3, 1, 1, 1, 1,
                2 - g.padTop(), 2 - g.padLeft(), g.inH(), g.inW());
        float[] u = transformKernel(w, cout, cin, true, Workspace.zeros(transformedSize(cout, cin)));
        float[] grad = Workspace.uninitialized(dx.length);   // every value is stored
        Epilogue linear = new Epilogue(new float[cin], Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
        convolve(dy, u, cin, transposed, linear, grad);
        Parallel.forRange(dx.length, 64 * 1024, (from, to) -> {
            for (int i = from; i < to; i++) {
                dx[i] += grad[i];
            }
        });
        Workspace.recycle(u);
        Workspace.recycle(grad);
    }

    private static int index(int xi, int panel, int panels, int cin, int ci, int nb) {
        return ((xi * panels + panel) * cin + ci) * nb;
    }

    /** Tiles per block: a multiple of {@link VectorTiles#P} whose V and M fit {@link #BLOCK_FLOATS}, 12 to 96. */
    static int blockTiles(int cin, int coutPadded) {
        int t = BLOCK_FLOATS / (16 * (cin + coutPadded));
        return Math.max(2 * P, Math.min(16 * P, t / P * P));
    }

    /**
     * out = e(conv(x, w)) for the kernel transformed by {@link #transformKernel}: every output value is
     * stored through the epilogue. Requires {@link #applies}.
     */
    static void convolve(float[] x, float[] u, int cout, WindowGeometry g, Epilogue e, float[] out) {
        final int cin = g.channels();
        final int nb = panelWidth();
        final int panels = (cout + nb - 1) / nb;
        final int coutPadded = panels * nb;
        final int tilesH = (g.outH() + 1) / 2;
        final int tilesW = (g.outW() + 1) / 2;
        final int tiles = g.batch() * tilesH * tilesW;
        if (tiles == 0) {
            return;
        }
        // the input with its padding written out, and one more row and column of zeros when the
        // output has an odd size: the last tiles read 4x4 patches whatever part of them they store
        WindowGeometry evenTiles = new WindowGeometry(g.batch(), g.inH(), g.inW(), cin, 3, 3, 1, 1, 1, 1,
                g.padTop(), g.padLeft(), 2 * tilesH, 2 * tilesW);
        final PaddedInput in = PaddedInput.of(x, evenTiles);
        final int blockTiles = blockTiles(cin, coutPadded);
        final int blocks = (tiles + blockTiles - 1) / blockTiles;
        // fewer blocks than threads would leave a thread idle: the phases share every layer out
        if (inPhases(cin, coutPadded) || blocks < Parallel.threads()) {
            convolveInPhases(in, u, cout, g, e, out, tiles, tilesH, tilesW);
        } else {
            convolveInBlocks(in, u, cout, g, e, out, tiles, tilesH, tilesW, blockTiles, blocks);
        }
        if (in.data() != x) {
            Workspace.recycle(in.data());
        }
    }

    /**
     * Whether the layer runs {@link #convolveInPhases} rather than {@link #convolveInBlocks}: the one
     * that moves fewer floats through memory per tile. In blocks, every block streams the whole
     * transformed kernel U (16 cin cout floats: 16 MB at 512 -> 512) past its few tiles; in phases,
     * U streams past many more tiles, but their V and M (16 floats per tile and channel each) are
     * written out and read back. VGG19's block4 and block5 (512 channels) go in phases, its wider,
     * shallower layers in blocks, at any batch.
     */
    static boolean inPhases(int cin, int coutPadded) {
        double kernel = 16.0 * cin * coutPadded;
        double inBlocks = kernel / blockTiles(cin, coutPadded);
        double inPhases = kernel / phaseTiles(cin, coutPadded) + 2.0 * 16 * (cin + coutPadded);
        return inPhases < inBlocks;
    }

    /** Floats of V and M of one run of the phases: 16 MB, so that a batch does not need them for all its tiles. */
    private static final int PHASE_FLOATS = 4 * 1024 * 1024;

    /** Tiles per run of {@link #convolveInPhases}: a multiple of {@link VectorTiles#P} whose V and M fit {@link #PHASE_FLOATS}. */
    static int phaseTiles(int cin, int coutPadded) {
        return Math.max(P, PHASE_FLOATS / (16 * (cin + coutPadded)) / P * P);
    }

    private static int roundUpToTile(int rows) {
        return (rows + P - 1) / P * P;
    }

    /**
     * The layer in runs of up to {@link #phaseTiles} tiles, each as three parallel passes over one V and
     * one M: transform the run's input tiles; run the 16 GEMMs, a task per (position xi, panel of
     * output channels), so that a task reads its panel of U (cin x {@link #panelWidth} floats, 128 KB
     * at 512 channels) once, from L2, for all the run's tiles; transform M into the output.
     */
    private static void convolveInPhases(PaddedInput in, float[] u, int cout, WindowGeometry g, Epilogue e,
                                         float[] out, int tiles, int tilesH, int tilesW) {
        final int cin = g.channels();
        final int nb = panelWidth();
        final int panels = (cout + nb - 1) / nb;
        final int coutPadded = panels * nb;
        final int planeRows = roundUpToTile(Math.min(tiles, phaseTiles(cin, coutPadded)));
        final int vSize = 16 * planeRows * cin;
        final float[] vm = Workspace.uninitialized(vSize + 16 * planeRows * coutPadded);   // every value used is stored
        for (int first = 0; first < tiles; first += planeRows) {
            final int t0 = first;
            final int count = Math.min(planeRows, tiles - t0);
            final int rows = roundUpToTile(count);
            Parallel.forRange(rows, 8, (from, to) -> {
                for (int t = from; t < to; t++) {
                    if (t < count) {
                        transformInput(in, g, tilesH, tilesW, t0 + t, vm, t, planeRows);
                    } else {
                        clearInputRow(vm, t, planeRows, cin);   // rows of the last register tile
                    }
                }
            });
            Parallel.forRange(16 * panels, 1, (from, to) -> {
                Segs sg = new Segs(1);
                sg.reset(1, nb);
                sg.add(0, 0, cin);
                for (int task = from; task < to; task++) {
                    gemmRows(vm, u, sg, task / panels, task % panels, panels, cin, nb, planeRows, rows, vSize,
                            coutPadded);
                }
            });
            Parallel.forRange(count, 8, (from, to) -> {
                for (int t = from; t < to; t++) {
                    transformOutput(vm, vSize, planeRows, coutPadded, t, t0 + t, cout, g, tilesH, tilesW, e, out);
                }
            });
        }
        Workspace.recycle(vm);
    }

    /**
     * M[xi] rows [0, rows) x panel j = V[xi] rows [0, rows) x U[xi] panel j, in register tiles; V and M are
     * planes of {@code planeRows} rows in {@code vm}, M from {@code vSize} on.
     */
    private static void gemmRows(float[] vm, float[] u, Segs sg, int xi, int j, int panels, int cin, int nb,
                                 int planeRows, int rows, int vSize, int coutPadded) {
        int bShift = (xi * panels + j) * cin * nb;
        for (int r = 0; r < rows; r += P) {
            int a = (xi * planeRows + r) * cin;
            int c = vSize + (xi * planeRows + r) * coutPadded + j * nb;
            if (nb == NB) {
                k6x2Rows(vm, a, cin, 2 * cin, 3 * cin, 4 * cin, 5 * cin, u, sg, 0, 1, bShift, vm, c, coutPadded,
                        false);
            } else {
                k6x4Rows(vm, a, cin, 2 * cin, 3 * cin, 4 * cin, 5 * cin, u, sg, 0, 1, bShift, vm, c, coutPadded,
                        false);
            }
        }
    }

    /**
     * The layer in blocks of {@code blockTiles} tiles, a task per block: it transforms the block's
     * input into V, runs the 16 GEMMs into M and transforms M into the output, all in per-thread
     * scratch, with U streaming past.
     */
    private static void convolveInBlocks(PaddedInput in, float[] u, int cout, WindowGeometry g, Epilogue e,
                                         float[] out, int tiles, int tilesH, int tilesW, int blockTiles, int blocks) {
        final int cin = g.channels();
        final int nb = panelWidth();
        final int panels = (cout + nb - 1) / nb;
        final int coutPadded = panels * nb;
        Parallel.forRange(blocks, 1, (from, to) -> {
            int vSize = 16 * blockTiles * cin;
            float[] scratch = scratch(vSize + 16 * blockTiles * coutPadded);
            Segs sg = new Segs(1);
            sg.reset(1, nb);
            sg.add(0, 0, cin);
            for (int b = from; b < to; b++) {
                int t0 = b * blockTiles;
                int count = Math.min(blockTiles, tiles - t0);
                int rows = (count + P - 1) / P * P;
                for (int t = 0; t < rows; t++) {
                    if (t < count) {
                        transformInput(in, g, tilesH, tilesW, t0 + t, scratch, t, blockTiles);
                    } else {
                        clearInputRow(scratch, t, blockTiles, cin);   // rows of the last register tile
                    }
                }
                for (int xi = 0; xi < 16; xi++) {
                    for (int j = 0; j < panels; j++) {
                        gemmRows(scratch, u, sg, xi, j, panels, cin, nb, blockTiles, rows, vSize, coutPadded);
                    }
                }
                for (int t = 0; t < count; t++) {
                    transformOutput(scratch, vSize, blockTiles, coutPadded, t, t0 + t, cout, g, tilesH, tilesW, e, out);
                }
            }
        });
    }

    /** This thread's scratch, at least {@code size} floats (grown, never shrunk). */
    private static float[] scratch(int size) {
        float[] s = SCRATCH.get();
        if (s == null || s.length < size) {
            s = new float[size];
            SCRATCH.set(s);
        }
        return s;
    }

    private static void clearInputRow(float[] v, int t, int blockTiles, int cin) {
        for (int xi = 0; xi < 16; xi++) {
            int o = (xi * blockTiles + t) * cin;
            java.util.Arrays.fill(v, o, o + cin, 0f);
        }
    }

    /**
     * V = B^T d B for tile {@code tile} (flat over n, tile row, tile column), into row {@code t} of
     * the 16 matrices of v ({@code v[(xi * blockTiles + t) * cin + ci]}), with
     * <pre>
     *   B^T = [ 1  0 -1  0 ]
     *         [ 0  1  1  0 ]
     *         [ 0 -1  1  0 ]
     *         [ 0  1  0 -1 ]
     * </pre>
     * The channels are the vector lanes; a rest of fewer than L channels is done in plain Java.
     */
    private static void transformInput(PaddedInput in, WindowGeometry g, int tilesH, int tilesW, int tile,
                                       float[] v, int t, int blockTiles) {
        int cin = g.channels();
        int n = tile / (tilesH * tilesW);
        int ty = tile / tilesW % tilesH;
        int tx = tile % tilesW;
        float[] d = in.data();
        int rowStride = in.w() * cin;
        int o0 = ((n * in.h() + 2 * ty) * in.w() + 2 * tx) * cin;
        int o1 = o0 + rowStride;
        int o2 = o1 + rowStride;
        int o3 = o2 + rowStride;
        int plane = blockTiles * cin;   // from one xi to the next in v
        int vt = t * cin;
        int ci = 0;
        for (; ci + L <= cin; ci += L) {
            // B^T d: rows combined, each of 4 columns (p = patch row, q = patch column)
            FloatVector d00 = FloatVector.fromArray(S, d, o0 + ci);
            FloatVector d01 = FloatVector.fromArray(S, d, o0 + cin + ci);
            FloatVector d02 = FloatVector.fromArray(S, d, o0 + 2 * cin + ci);
            FloatVector d03 = FloatVector.fromArray(S, d, o0 + 3 * cin + ci);
            FloatVector d10 = FloatVector.fromArray(S, d, o1 + ci);
            FloatVector d11 = FloatVector.fromArray(S, d, o1 + cin + ci);
            FloatVector d12 = FloatVector.fromArray(S, d, o1 + 2 * cin + ci);
            FloatVector d13 = FloatVector.fromArray(S, d, o1 + 3 * cin + ci);
            FloatVector d20 = FloatVector.fromArray(S, d, o2 + ci);
            FloatVector d21 = FloatVector.fromArray(S, d, o2 + cin + ci);
            FloatVector d22 = FloatVector.fromArray(S, d, o2 + 2 * cin + ci);
            FloatVector d23 = FloatVector.fromArray(S, d, o2 + 3 * cin + ci);
            FloatVector d30 = FloatVector.fromArray(S, d, o3 + ci);
            FloatVector d31 = FloatVector.fromArray(S, d, o3 + cin + ci);
            FloatVector d32 = FloatVector.fromArray(S, d, o3 + 2 * cin + ci);
            FloatVector d33 = FloatVector.fromArray(S, d, o3 + 3 * cin + ci);
            FloatVector a00 = VC.cast(d00.sub(d20));
            FloatVector a01 = VC.cast(d01.sub(d21));
            FloatVector a02 = VC.cast(d02.sub(d22));
            FloatVector a03 = VC.cast(d03.sub(d23));
            FloatVector a10 = VC.cast(d10.add(d20));
            FloatVector a11 = VC.cast(d11.add(d21));
            FloatVector a12 = VC.cast(d12.add(d22));
            FloatVector a13 = VC.cast(d13.add(d23));
            FloatVector a20 = VC.cast(d20.sub(d10));
            FloatVector a21 = VC.cast(d21.sub(d11));
            FloatVector a22 = VC.cast(d22.sub(d12));
            FloatVector a23 = VC.cast(d23.sub(d13));
            FloatVector a30 = VC.cast(d10.sub(d30));
            FloatVector a31 = VC.cast(d11.sub(d31));
            FloatVector a32 = VC.cast(d12.sub(d32));
            FloatVector a33 = VC.cast(d13.sub(d33));
            // (B^T d) B: columns combined the same way, row p giving positions xi = 4p .. 4p + 3
            int base = vt + ci;
            VC.cast(a00.sub(a02)).intoArray(v, base);
            VC.cast(a01.add(a02)).intoArray(v, base + plane);
            VC.cast(a02.sub(a01)).intoArray(v, base + 2 * plane);
            VC.cast(a01.sub(a03)).intoArray(v, base + 3 * plane);
            VC.cast(a10.sub(a12)).intoArray(v, base + 4 * plane);
            VC.cast(a11.add(a12)).intoArray(v, base + 5 * plane);
            VC.cast(a12.sub(a11)).intoArray(v, base + 6 * plane);
            VC.cast(a11.sub(a13)).intoArray(v, base + 7 * plane);
            VC.cast(a20.sub(a22)).intoArray(v, base + 8 * plane);
            VC.cast(a21.add(a22)).intoArray(v, base + 9 * plane);
            VC.cast(a22.sub(a21)).intoArray(v, base + 10 * plane);
            VC.cast(a21.sub(a23)).intoArray(v, base + 11 * plane);
            VC.cast(a30.sub(a32)).intoArray(v, base + 12 * plane);
            VC.cast(a31.add(a32)).intoArray(v, base + 13 * plane);
            VC.cast(a32.sub(a31)).intoArray(v, base + 14 * plane);
            VC.cast(a31.sub(a33)).intoArray(v, base + 15 * plane);
        }
        float[] a = new float[16];
        for (; ci < cin; ci++) {
            for (int q = 0; q < 4; q++) {
                float p0 = d[o0 + q * cin + ci];
                float p1 = d[o1 + q * cin + ci];
                float p2 = d[o2 + q * cin + ci];
                float p3 = d[o3 + q * cin + ci];
                a[q] = p0 - p2;
                a[4 + q] = p1 + p2;
                a[8 + q] = p2 - p1;
                a[12 + q] = p1 - p3;
            }
            int base = vt + ci;
            for (int p = 0; p < 4; p++) {
                v[base + 4 * p * plane] = a[4 * p] - a[4 * p + 2];
                v[base + (4 * p + 1) * plane] = a[4 * p + 1] + a[4 * p + 2];
                v[base + (4 * p + 2) * plane] = a[4 * p + 2] - a[4 * p + 1];
                v[base + (4 * p + 3) * plane] = a[4 * p + 1] - a[4 * p + 3];
            }
        }
    }

    /**
     * Y = A^T M A for row {@code t} of the 16 product matrices in {@code s} (from {@code mStart},
     * {@code s[mStart + (xi * blockTiles + t) * coutPadded + co]}), stored through the epilogue at the
     * tile's up to four output pixels that lie inside the output, with
     * <pre>
     *   A^T = [ 1  1  1  0 ]
     *         [ 0  1 -1 -1 ]
     * </pre>
     */
    private static void transformOutput(float[] s, int mStart, int blockTiles, int coutPadded, int t, int tile,
                                        int cout, WindowGeometry g, int tilesH, int tilesW, Epilogue e, float[] out) {
        int n = tile / (tilesH * tilesW);
        int oy = 2 * (tile / tilesW % tilesH);
        int ox = 2 * (tile % tilesW);
        boolean down = oy + 1 < g.outH();
        boolean right = ox + 1 < g.outW();
        int y00 = ((n * g.outH() + oy) * g.outW() + ox) * cout;
        int y01 = y00 + cout;
        int y10 = y00 + g.outW() * cout;
        int y11 = y10 + cout;
        int plane = blockTiles * coutPadded;
        int m = mStart + t * coutPadded;
        float[] shift = e.shift();
        FloatVector lo = FloatVector.broadcast(S, e.min());
        FloatVector hi = FloatVector.broadcast(S, e.max());
        int co = 0;
        for (; co + L <= cout; co += L) {
            int b = m + co;
            FloatVector m0 = FloatVector.fromArray(S, s, b);
            FloatVector m1 = FloatVector.fromArray(S, s, b + plane);
            FloatVector m2 = FloatVector.fromArray(S, s, b + 2 * plane);
            FloatVector m3 = FloatVector.fromArray(S, s, b + 3 * plane);
            FloatVector m4 = FloatVector.fromArray(S, s, b + 4 * plane);
            FloatVector m5 = FloatVector.fromArray(S, s, b + 5 * plane);
            FloatVector m6 = FloatVector.fromArray(S, s, b + 6 * plane);
            FloatVector m7 = FloatVector.fromArray(S, s, b + 7 * plane);
            FloatVector m8 = FloatVector.fromArray(S, s, b + 8 * plane);
            FloatVector m9 = FloatVector.fromArray(S, s, b + 9 * plane);
            FloatVector m10 = FloatVector.fromArray(S, s, b + 10 * plane);
            FloatVector m11 = FloatVector.fromArray(S, s, b + 11 * plane);
            FloatVector m12 = FloatVector.fromArray(S, s, b + 12 * plane);
            FloatVector m13 = FloatVector.fromArray(S, s, b + 13 * plane);
            FloatVector m14 = FloatVector.fromArray(S, s, b + 14 * plane);
            FloatVector m15 = FloatVector.fromArray(S, s, b + 15 * plane);
            // A^T M: rows combined, for each of the 4 columns q
            FloatVector r00 = VC.cast(VC.cast(m0.add(m4)).add(m8));
            FloatVector r01 = VC.cast(VC.cast(m1.add(m5)).add(m9));
            FloatVector r02 = VC.cast(VC.cast(m2.add(m6)).add(m10));
            FloatVector r03 = VC.cast(VC.cast(m3.add(m7)).add(m11));
            FloatVector r10 = VC.cast(VC.cast(m4.sub(m8)).sub(m12));
            FloatVector r11 = VC.cast(VC.cast(m5.sub(m9)).sub(m13));
            FloatVector r12 = VC.cast(VC.cast(m6.sub(m10)).sub(m14));
            FloatVector r13 = VC.cast(VC.cast(m7.sub(m11)).sub(m15));
            FloatVector sh = FloatVector.fromArray(S, shift, co);
            // (A^T M) A, shifted and clamped as the direct kernel's epilogue: max, then min
            FloatVector v00 = VC.cast(VC.cast(VC.cast(r00.add(r01)).add(VC.cast(r02))).add(sh));
            VC.cast(VC.cast(v00.max(lo)).min(hi)).intoArray(out, y00 + co);
            if (right) {
                FloatVector v01 = VC.cast(VC.cast(VC.cast(r01.sub(r02)).sub(VC.cast(r03))).add(sh));
                VC.cast(VC.cast(v01.max(lo)).min(hi)).intoArray(out, y01 + co);
            }
            if (down) {
                FloatVector v10 = VC.cast(VC.cast(VC.cast(r10.add(r11)).add(VC.cast(r12))).add(sh));
                VC.cast(VC.cast(v10.max(lo)).min(hi)).intoArray(out, y10 + co);
                if (right) {
                    FloatVector v11 = VC.cast(VC.cast(VC.cast(r11.sub(r12)).sub(VC.cast(r13))).add(sh));
                    VC.cast(VC.cast(v11.max(lo)).min(hi)).intoArray(out, y11 + co);
                }
            }
        }
        for (; co < cout; co++) {
            float[] r = new float[8];
            for (int q = 0; q < 4; q++) {
                float c0 = s[m + q * plane + co];
                float c1 = s[m + (4 + q) * plane + co];
                float c2 = s[m + (8 + q) * plane + co];
                float c3 = s[m + (12 + q) * plane + co];
                r[q] = c0 + c1 + c2;
                r[4 + q] = c1 - c2 - c3;
            }
            out[y00 + co] = e.apply(r[0] + r[1] + r[2], co);
            if (right) {
                out[y01 + co] = e.apply(r[1] - r[2] - r[3], co);
            }
            if (down) {
                out[y10 + co] = e.apply(r[4] + r[5] + r[6], co);
                if (right) {
                    out[y11 + co] = e.apply(r[5] - r[6] - r[7], co);
                }
            }
        }
    }
}
