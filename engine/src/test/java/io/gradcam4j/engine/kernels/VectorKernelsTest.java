package io.gradcam4j.engine.kernels;

import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.gradcam4j.engine.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link VectorKernels} against {@link ScalarKernels} (the reference) on geometries chosen to
 * reach every path: interior and edge register tiles, partial tiles at the end of a row, one
 * vector and scalar tails (channel counts 1, 3, 5, 17, 33, 40, 70 are not multiples of 8 or 16),
 * strides, dilation, same/valid padding, batch 2, depth multipliers 1 to 3. Destinations are
 * prefilled, since every kernel adds into them.
 */
class VectorKernelsTest {
    /** float sums in a different order: the difference is a few ulps of the largest magnitude. */
    private static final double TOLERANCE = 1e-5;

    private final Kernels vector = VectorKernels.INSTANCE;
    private final Kernels scalar = ScalarKernels.INSTANCE;
    private final Random random = new Random(7);

    record Case(String name, int batch, int h, int w, int c, int kh, int kw, int sh, int sw, int dh, int dw,
                Padding padding, int cout, int mult) {
        WindowGeometry geometry() {
            return WindowGeometry.of(new int[] {batch, h, w, c}, kh, kw, sh, sw, dh, dw, padding);
        }

        int[] kernelShape() {
            return new int[] {kh, kw, c, cout};
        }

        @Override
        public String toString() {
            return name + String.format(" [n%d %dx%dx%d k%dx%d s%dx%d d%dx%d %s -> %d, x%d]", batch, h, w, c, kh, kw,
                    sh, sw, dh, dw, padding, cout, mult);
        }
    }

    static Stream<Arguments> cases() {
        List<Case> cases = new ArrayList<>();
        // 3x3 same, the common layer, with channel counts around the vector widths
        int[][] channels = {{1, 1}, {3, 5}, {5, 17}, {17, 33}, {33, 40}, {16, 64}, {40, 70}, {64, 32}, {8, 48}};
        for (int[] ch : channels) {
            cases.add(new Case("3x3 same 13x11", 1, 13, 11, ch[0], 3, 3, 1, 1, 1, 1, Padding.SAME, ch[1], 1));
        }
        cases.add(new Case("3x3 same 33x29 batch 2", 2, 33, 29, 5, 3, 3, 1, 1, 1, 1, Padding.SAME, 33, 2));
        cases.add(new Case("3x3 valid 33x29", 1, 33, 29, 17, 3, 3, 1, 1, 1, 1, Padding.VALID, 17, 3));
        cases.add(new Case("3x3 stride 2 same 13x11", 1, 13, 11, 3, 3, 3, 2, 2, 1, 1, Padding.SAME, 40, 1));
        cases.add(new Case("3x3 stride 2 valid 33x29", 2, 33, 29, 17, 3, 3, 2, 2, 1, 1, Padding.VALID, 33, 2));
        cases.add(new Case("3x2 stride 2 same 33x29 (asymmetric)", 2, 33, 29, 3, 3, 2, 2, 2, 1, 1, Padding.SAME, 5, 3));
        cases.add(new Case("4x4 stride 2 same 13x12", 1, 13, 12, 33, 4, 4, 2, 2, 1, 1, Padding.SAME, 17, 2));
        cases.add(new Case("3x3 dilation 2 same", 2, 13, 11, 17, 3, 3, 1, 1, 2, 2, Padding.SAME, 33, 1));
        cases.add(new Case("5x3 dilation 2x1 valid", 1, 33, 29, 5, 5, 3, 1, 1, 2, 1, Padding.VALID, 17, 2));
        cases.add(new Case("3x2 strides 2x1 valid", 2, 13, 11, 33, 3, 2, 2, 1, 1, 1, Padding.VALID, 40, 1));
        cases.add(new Case("strides 1x3 same", 1, 13, 29, 5, 3, 3, 1, 3, 1, 1, Padding.SAME, 33, 3));
        cases.add(new Case("7x7 stride 2 same (stem)", 1, 33, 29, 3, 7, 7, 2, 2, 1, 1, Padding.SAME, 17, 1));
        cases.add(new Case("5x5 same, dilation 3", 1, 33, 29, 17, 5, 5, 1, 1, 3, 3, Padding.SAME, 5, 2));
        cases.add(new Case("1x1", 1, 13, 11, 33, 1, 1, 1, 1, 1, 1, Padding.VALID, 70, 1));
        cases.add(new Case("1x1 batch 2, 64 -> 96", 2, 7, 9, 64, 1, 1, 1, 1, 1, 1, Padding.SAME, 96, 1));
        cases.add(new Case("1x1 stride 2", 2, 13, 11, 17, 1, 1, 2, 2, 1, 1, Padding.SAME, 33, 2));
        cases.add(new Case("window larger than the input, same", 1, 2, 3, 17, 5, 5, 1, 1, 1, 1, Padding.SAME, 33, 2));
        cases.add(new Case("single pixel", 1, 1, 1, 33, 3, 3, 1, 1, 1, 1, Padding.SAME, 17, 1));
        cases.add(new Case("wide 3x3 same, 32 -> 64", 1, 5, 40, 32, 3, 3, 1, 1, 1, 1, Padding.SAME, 64, 1));
        // conv2d tiles run over flat (n, oy, ox): tiles that span rows and images, a partial last tile
        cases.add(new Case("3x3 same 5x7 batch 3 (tiles span rows and images)", 3, 5, 7, 3, 3, 3, 1, 1, 1, 1,
                Padding.SAME, 40, 1));
        cases.add(new Case("3x3 stride 2 same 12x10 (padding only after), batch 2", 2, 12, 10, 3, 3, 3, 2, 2, 1, 1,
                Padding.SAME, 33, 2));
        cases.add(new Case("3x3 stride 2 valid 12x12 (last row and column unread)", 1, 12, 12, 5, 3, 3, 2, 2, 1, 1,
                Padding.VALID, 17, 1));
        cases.add(new Case("1x1 batch 2 of 2x2 (one partial tile)", 2, 2, 2, 33, 1, 1, 1, 1, 1, 1, Padding.VALID,
                70, 1));
        cases.add(new Case("1x1 19x19, 64 -> 80 (Xception middle flow, smaller)", 1, 19, 19, 64, 1, 1, 1, 1, 1, 1,
                Padding.SAME, 80, 1));
        // forward tiles of four vectors (64 channels with AVX-512): full and partial blocks, several groups
        cases.add(new Case("3x3 same 13x11, 16 -> 130 (two blocks and 2 channels)", 1, 13, 11, 16, 3, 3, 1, 1, 1, 1,
                Padding.SAME, 130, 1));
        cases.add(new Case("3x3 valid 9x9, 24 -> 96 (a block and half a block)", 1, 9, 9, 24, 3, 3, 1, 1, 1, 1,
                Padding.VALID, 96, 1));
        cases.add(new Case("1x1 batch 2 of 5x7, 40 -> 328 (five blocks and 8 channels)", 2, 5, 7, 40, 1, 1, 1, 1, 1,
                1, Padding.SAME, 328, 1));
        // reductions too long for one pass (kh*kw*cin rows x a panel over 64K floats: above 1024 rows
        // with AVX-512, 2048 with AVX2), cut into blocks; cuts inside a kernel row, inside a tap, and
        // (cin 512 with AVX2) on kernel-row boundaries
        cases.add(new Case("3x3 same 7x7, 512 -> 70 (blocked reduction, partial tile and block)", 1, 7, 7, 512, 3,
                3, 1, 1, 1, 1, Padding.SAME, 70, 1));
        cases.add(new Case("3x3 same 5x6 batch 2, 400 -> 64 (blocked, cuts inside kernel rows)", 2, 5, 6, 400, 3,
                3, 1, 1, 1, 1, Padding.SAME, 64, 1));
        cases.add(new Case("3x3 stride 2 same 9x9 batch 2, 400 -> 33 (blocked)", 2, 9, 9, 400, 3, 3, 2, 2, 1, 1,
                Padding.SAME, 33, 1));
        cases.add(new Case("5x5 dilation 2 same 9x8, 100 -> 40 (blocked, one segment per tap)", 1, 9, 8, 100, 5, 5,
                1, 1, 2, 2, Padding.SAME, 40, 1));
        cases.add(new Case("1x1 5x5, 1100 -> 130 (blocked with AVX-512)", 1, 5, 5, 1100, 1, 1, 1, 1, 1, 1,
                Padding.VALID, 130, 1));
        cases.add(new Case("1x1 48x48, 1100 -> 64 (blocked with AVX-512, tasks of several passes)", 1, 48, 48,
                1100, 1, 1, 1, 1, 1, 1, Padding.VALID, 64, 1));
        // depthwise rows of 3-wide tiles (8 pixels), short tiles, and pixels packed into vectors when the
        // channels (times the multiplier) are fewer than the lanes and divide them
        cases.add(new Case("3x3 same 7x46, 24 channels (full and short row tiles, overlapping channel vector)", 1,
                7, 46, 24, 3, 3, 1, 1, 1, 1, Padding.SAME, 8, 1));
        cases.add(new Case("3x3 same 7x45, 24 channels (full tiles, 3 pixels left one by one)", 1, 7, 45, 24, 3, 3,
                1, 1, 1, 1, Padding.SAME, 8, 1));
        cases.add(new Case("3x3 same 5x26, 4 channels (packed pixels, a short tile at 16 lanes)", 1, 5, 26, 4, 3, 3,
                1, 1, 1, 1, Padding.SAME, 8, 1));
        // an even kernel at stride 1: the depthwise input gradient, a convolution with the kernel
        // turned round, gets uneven padding
        cases.add(new Case("4x4 stride 1 same 13x12, 17 channels x2", 1, 13, 12, 17, 4, 4, 1, 1, 1, 1, Padding.SAME,
                8, 2));
        cases.add(new Case("3x3 same 7x7, 20 channels x2 (one short row tile)", 1, 7, 7, 20, 3, 3, 1, 1, 1, 1,
                Padding.SAME, 8, 2));
        cases.add(new Case("3x3 same 6x70, 4 channels (packed pixels)", 2, 6, 70, 4, 3, 3, 1, 1, 1, 1, Padding.SAME,
                8, 1));
        cases.add(new Case("3x3 valid 5x75, 1 channel x2 (packed pixels)", 1, 5, 75, 1, 3, 3, 1, 1, 1, 1,
                Padding.VALID, 3, 2));
        cases.add(new Case("3x3 dilation 2 same 6x50, 2 channels x2 (packed pixels)", 1, 6, 50, 2, 3, 3, 1, 1, 2, 2,
                Padding.SAME, 5, 2));
        cases.add(new Case("3x3 stride 2 same 9x60, 40 channels (strided row tiles)", 1, 9, 60, 40, 3, 3, 2, 2, 1, 1,
                Padding.SAME, 16, 1));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conv2d(Case k) {
        WindowGeometry g = k.geometry();
        float[] x = rand(k.batch() * k.h() * k.w() * k.c());
        float[] w = rand(k.kh() * k.kw() * k.c() * k.cout());
        float[] out = rand(k.batch() * g.outH() * g.outW() * k.cout());
        float[] expected = out.clone();
        scalar.conv2d(x, w, k.cout(), g, expected);
        vector.conv2d(x, w, k.cout(), g, out);
        compare(expected, out, "conv2d " + k);
    }

    /**
     * With weights packed once by prepareConv, stored through an epilogue (bias, relu6) into a
     * destination full of NaN: every value is written.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conv2dFused(Case k) {
        WindowGeometry g = k.geometry();
        float[] x = rand(k.batch() * k.h() * k.w() * k.c());
        float[] w = rand(k.kh() * k.kw() * k.c() * k.cout());
        Epilogue e = new Epilogue(rand(k.cout()), 0f, 6f);
        float[] out = new float[k.batch() * g.outH() * g.outW() * k.cout()];
        java.util.Arrays.fill(out, Float.NaN);
        float[] expected = out.clone();
        scalar.conv2dFused(x, scalar.prepareConv(w, k.kernelShape()), g, e, expected);
        vector.conv2dFused(x, vector.prepareConv(w, k.kernelShape()), g, e, out);
        compare(expected, out, "conv2dFused " + k);
    }

    /**
     * Weights prepared with a per-channel scale (a folded BatchNormalization) compute what the
     * kernel scaled by hand computes, with both implementations.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conv2dFusedWithScaledWeights(Case k) {
        WindowGeometry g = k.geometry();
        float[] x = rand(k.batch() * k.h() * k.w() * k.c());
        float[] w = rand(k.kh() * k.kw() * k.c() * k.cout());
        float[] scale = rand(k.cout());
        float[] scaledByHand = w.clone();
        for (int i = 0; i < w.length; i++) {
            scaledByHand[i] = w[i] * scale[i % k.cout()];
        }
        Epilogue e = new Epilogue(rand(k.cout()), Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
        float[] expected = new float[k.batch() * g.outH() * g.outW() * k.cout()];
        scalar.conv2dFused(x, scalar.prepareConv(scaledByHand, k.kernelShape()), g, e, expected);
        for (Kernels impl : new Kernels[] {scalar, vector}) {
            float[] out = new float[expected.length];
            impl.conv2dFused(x, impl.prepareConv(w, k.kernelShape(), scale), g, e, out);
            compare(expected, out, impl.name() + " conv2dFused with scaled weights " + k);
        }
    }

    /** A scale with one value too few for the output channels is refused, by both kernels. */
    @Test
    void prepareConvRefusesAScalePerChannelOfTheWrongLength() {
        for (Kernels k : new Kernels[] {scalar, vector}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> k.prepareConv(rand(3 * 3 * 8 * 16), new int[] {3, 3, 8, 16}, rand(15)));
            assertTrue(e.getMessage().contains("16 output channels"), e.getMessage());
        }
    }

    /** The input gradient of a folded layer, from the packed weights, against the scalar one from w. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conv2dInputGradFromPreparedWeights(Case k) {
        WindowGeometry g = k.geometry();
        float[] dy = rand(k.batch() * g.outH() * g.outW() * k.cout());
        float[] w = rand(k.kh() * k.kw() * k.c() * k.cout());
        float[] dx = rand(k.batch() * k.h() * k.w() * k.c());
        float[] expected = dx.clone();
        scalar.conv2dInputGrad(dy, w, k.cout(), g, expected);
        vector.conv2dInputGrad(dy, vector.prepareConv(w, k.kernelShape()), g, dx);
        compare(expected, dx, "conv2dInputGrad from prepared weights " + k);
    }

    /** The layout of prepared weights is the preparing kernels' own; so is the window they fit. */
    @Test
    void preparedWeightsAreReadOnlyByTheirOwnKernelsAndWindow() {
        WindowGeometry g = WindowGeometry.of(new int[] {1, 5, 5, 8}, 3, 3, 1, 1, 1, 1, Padding.SAME);
        float[] x = rand(5 * 5 * 8);
        float[] out = new float[5 * 5 * 16];
        Epilogue e = new Epilogue(new float[16], 0f, 6f);
        ConvWeights fromScalar = scalar.prepareConv(rand(3 * 3 * 8 * 16), new int[] {3, 3, 8, 16});
        assertThrows(IllegalArgumentException.class, () -> vector.conv2dFused(x, fromScalar, g, e, out));
        ConvWeights fromVector = vector.prepareConv(rand(3 * 3 * 8 * 16), new int[] {3, 3, 8, 16});
        assertThrows(IllegalArgumentException.class, () -> scalar.conv2dFused(x, fromVector, g, e, out));
        ConvWeights oneByOne = vector.prepareConv(rand(8 * 16), new int[] {1, 1, 8, 16});
        assertThrows(IllegalArgumentException.class, () -> vector.conv2dFused(x, oneByOne, g, e, out));
    }

    /** A kernel array that does not hold the shape it is prepared as is refused, by both kernels. */
    @Test
    void prepareConvRefusesAKernelOfTheWrongSize() {
        for (Kernels k : new Kernels[] {scalar, vector}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> k.prepareConv(rand(3 * 3 * 8 * 16 - 1), new int[] {3, 3, 8, 16}));
            assertTrue(e.getMessage().contains("[3, 3, 8, 16]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> k.prepareConv(rand(16), new int[] {4, 4}));
        }
    }

    /**
     * Inside a graph run the padded copy of the input comes from the workspace uncleared: its
     * padding must be written as zeros, not left from the array's last use.
     */
    @Test
    void paddedInputFromAReusedArrayHasZeroPadding() {
        WindowGeometry g = WindowGeometry.of(new int[] {1, 30, 30, 8}, 3, 3, 1, 1, 1, 1, Padding.SAME);
        float[] x = rand(30 * 30 * 8);
        float[] w = rand(3 * 3 * 8 * 16);
        float[] expected = new float[30 * 30 * 16];
        scalar.conv2d(x, w, 16, g, expected);
        io.gradcam4j.engine.Workspace workspace = new io.gradcam4j.engine.Workspace();
        try (io.gradcam4j.engine.Workspace.Scope scope = workspace.enter()) {
            for (int i = 0; i < 3; i++) {
                float[] dirty = new float[32 * 32 * 8];      // the padded copy's size
                java.util.Arrays.fill(dirty, Float.NaN);
                io.gradcam4j.engine.Workspace.recycle(dirty);
            }
            float[] out = new float[30 * 30 * 16];
            vector.conv2d(x, w, 16, g, out);
            compare(expected, out, "conv2d on a reused padded buffer");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conv2dInputGrad(Case k) {
        WindowGeometry g = k.geometry();
        float[] dy = rand(k.batch() * g.outH() * g.outW() * k.cout());
        float[] w = rand(k.kh() * k.kw() * k.c() * k.cout());
        float[] dx = rand(k.batch() * k.h() * k.w() * k.c());
        float[] expected = dx.clone();
        scalar.conv2dInputGrad(dy, w, k.cout(), g, expected);
        vector.conv2dInputGrad(dy, w, k.cout(), g, dx);
        compare(expected, dx, "conv2dInputGrad " + k);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conv2dKernelGrad(Case k) {
        WindowGeometry g = k.geometry();
        float[] x = rand(k.batch() * k.h() * k.w() * k.c());
        float[] dy = rand(k.batch() * g.outH() * g.outW() * k.cout());
        float[] dw = rand(k.kh() * k.kw() * k.c() * k.cout());
        float[] expected = dw.clone();
        scalar.conv2dKernelGrad(x, dy, k.cout(), g, expected);
        vector.conv2dKernelGrad(x, dy, k.cout(), g, dw);
        compare(expected, dw, "conv2dKernelGrad " + k);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void depthwiseConv2d(Case k) {
        WindowGeometry g = k.geometry();
        int mult = k.mult();
        float[] x = rand(k.batch() * k.h() * k.w() * k.c());
        float[] w = rand(k.kh() * k.kw() * k.c() * mult);
        float[] out = rand(k.batch() * g.outH() * g.outW() * k.c() * mult);
        float[] expected = out.clone();
        scalar.depthwiseConv2d(x, w, mult, g, expected);
        vector.depthwiseConv2d(x, w, mult, g, out);
        compare(expected, out, "depthwiseConv2d " + k);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void depthwiseConv2dInputGrad(Case k) {
        WindowGeometry g = k.geometry();
        int mult = k.mult();
        float[] dy = rand(k.batch() * g.outH() * g.outW() * k.c() * mult);
        float[] w = rand(k.kh() * k.kw() * k.c() * mult);
        float[] dx = rand(k.batch() * k.h() * k.w() * k.c());
        float[] expected = dx.clone();
        scalar.depthwiseConv2dInputGrad(dy, w, mult, g, expected);
        vector.depthwiseConv2dInputGrad(dy, w, mult, g, dx);
        compare(expected, dx, "depthwiseConv2dInputGrad " + k);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void depthwiseConv2dKernelGrad(Case k) {
        WindowGeometry g = k.geometry();
        int mult = k.mult();
        float[] x = rand(k.batch() * k.h() * k.w() * k.c());
        float[] dy = rand(k.batch() * g.outH() * g.outW() * k.c() * mult);
        float[] dw = rand(k.kh() * k.kw() * k.c() * mult);
        float[] expected = dw.clone();
        scalar.depthwiseConv2dKernelGrad(x, dy, mult, g, expected);
        vector.depthwiseConv2dKernelGrad(x, dy, mult, g, dw);
        compare(expected, dw, "depthwiseConv2dKernelGrad " + k);
    }

    /** (m, k, n) with m = 1 (batch-1 Dense), partial row tiles, and column counts around 8, 16, 32, 64. */
    static Stream<Arguments> matrixSizes() {
        return Stream.of(
                Arguments.of(1, 1, 1), Arguments.of(1, 17, 9), Arguments.of(1, 50, 1000), Arguments.of(1, 300, 70),
                Arguments.of(3, 5, 7), Arguments.of(6, 64, 64), Arguments.of(7, 33, 17), Arguments.of(8, 64, 33),
                Arguments.of(13, 100, 1), Arguments.of(2, 300, 129), Arguments.of(37, 3, 70),
                Arguments.of(50, 257, 96), Arguments.of(12, 40, 16), Arguments.of(5, 1, 48));
    }

    @ParameterizedTest(name = "m={0} k={1} n={2}")
    @MethodSource("matrixSizes")
    void matmul(int m, int k, int n) {
        float[] a = rand(m * k);
        float[] b = rand(k * n);
        float[] c = rand(m * n);
        float[] expected = c.clone();
        scalar.matmul(a, b, expected, m, k, n);
        vector.matmul(a, b, c, m, k, n);
        compare(expected, c, "matmul");
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @MethodSource("matrixSizes")
    void matmulTransB(int m, int n, int k) {
        float[] a = rand(m * n);
        float[] b = rand(k * n);
        float[] c = rand(m * k);
        float[] expected = c.clone();
        scalar.matmulTransB(a, b, expected, m, n, k);
        vector.matmulTransB(a, b, c, m, n, k);
        compare(expected, c, "matmulTransB");
    }

    @ParameterizedTest(name = "m={0} k={1} n={2}")
    @MethodSource("matrixSizes")
    void matmulTransA(int m, int k, int n) {
        float[] a = rand(m * k);
        float[] b = rand(m * n);
        float[] c = rand(k * n);
        float[] expected = c.clone();
        scalar.matmulTransA(a, b, expected, m, k, n);
        vector.matmulTransA(a, b, c, m, k, n);
        compare(expected, c, "matmulTransA");
    }

    @Test
    void reportsItsWidth() {
        assertTrue(vector.name().startsWith("vector ("), vector.name());
        assertTrue(vector.name().contains(VectorKernels.lanes() + " lanes"), vector.name());
    }

    private float[] rand(int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = 2f * random.nextFloat() - 1f;
        }
        return v;
    }

    private static void compare(float[] expected, float[] actual, String what) {
        assertClose(Tensor.of(expected, expected.length), Tensor.of(actual, actual.length), TOLERANCE, what);
    }
}
