package io.gradcam4j.engine.kernels;

import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Tensor;
import org.junit.jupiter.params.provider.Arguments;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.gradcam4j.engine.TensorAssert.assertClose;

/**
 * The cases on which every Vector API kernel family is checked against {@link ScalarKernels} (the
 * reference): geometries chosen to reach every path: interior and edge register tiles, partial
 * tiles at the end of a row, one vector and scalar tails (channel counts 1, 3, 5, 17, 33, 40, 70
 * are not multiples of 8 or 16), strides, dilation, same/valid padding, batch 2, depth multipliers
 * 1 to 3. Destinations are prefilled, since every kernel adds into them.
 */
final class KernelCases {
    /** float sums in a different order: the difference is a few ulps of the largest magnitude. */
    static final double TOLERANCE = 1e-5;

    private KernelCases() {
    }

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
        // narrow last blocks stored in place: one vector, half a vector, both, with a rest
        cases.add(new Case("3x3 stride 2 same 17x15 batch 2, 3 -> 8 (MobileNet 0.25's stem)", 2, 17, 15, 3, 3, 3,
                2, 2, 1, 1, Padding.SAME, 8, 1));
        cases.add(new Case("1x1 batch 2 of 7x9, 8 -> 16", 2, 7, 9, 8, 1, 1, 1, 1, 1, 1, Padding.VALID, 16, 1));
        cases.add(new Case("1x1 7x9, 16 -> 88 (a block, a vector and a half)", 1, 7, 9, 16, 1, 1, 1, 1, 1, 1,
                Padding.VALID, 88, 1));
        cases.add(new Case("3x3 valid 9x8, 6 -> 12", 1, 9, 8, 6, 3, 3, 1, 1, 1, 1, Padding.VALID, 12, 1));
        cases.add(new Case("1x1 5x7, 9 -> 29 (a vector, a half and a rest at 16 lanes)", 1, 5, 7, 9, 1, 1, 1, 1, 1,
                1, Padding.VALID, 29, 1));
        // the unblocked convolution in pixel blocks of 30 tiles (128K floats of 728-row input):
        // 61 tiles are blocks of 30, 30 and 1, each run over four column groups
        cases.add(new Case("1x1 19x19, 728 -> 200 (pixel blocks, the last of one tile)", 1, 19, 19, 728, 1, 1, 1, 1,
                1, 1, Padding.VALID, 200, 1));
        return cases.stream().map(Arguments::of);
    }

    /**
     * (m, k, n) with m = 1 (batch-1 Dense), partial row tiles, and column counts around 8, 16, 32, 64;
     * fewer rows than a tile with a reduction long enough to be split between threads (k &gt;= 512, also
     * not a multiple of four per part).
     */
    static Stream<Arguments> matrixSizes() {
        return Stream.of(
                Arguments.of(1, 1, 1), Arguments.of(1, 17, 9), Arguments.of(1, 50, 1000), Arguments.of(1, 300, 70),
                Arguments.of(3, 5, 7), Arguments.of(6, 64, 64), Arguments.of(7, 33, 17), Arguments.of(8, 64, 33),
                Arguments.of(13, 100, 1), Arguments.of(2, 300, 129), Arguments.of(37, 3, 70),
                Arguments.of(50, 257, 96), Arguments.of(12, 40, 16), Arguments.of(5, 1, 48),
                Arguments.of(1, 1030, 70), Arguments.of(3, 777, 129), Arguments.of(5, 2048, 33));
    }

    static float[] rand(Random random, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = 2f * random.nextFloat() - 1f;
        }
        return v;
    }

    static void compare(float[] expected, float[] actual, String what) {
        assertClose(Tensor.of(expected, expected.length), Tensor.of(actual, actual.length), TOLERANCE, what);
    }

    /** As {@link #compare} with the largest difference allowed given, for outputs clamped after their sums. */
    static void compareWithin(float[] expected, float[] actual, double allowed, String what) {
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) expected[i] - actual[i]);
            if (!(d <= allowed)) {     // also catches NaN
                throw new AssertionError(String.format("%s: |difference| %.3g at index %d (got %.7g, reference %.7g)"
                        + " exceeds %.3g", what, d, i, actual[i], expected[i], allowed));
            }
        }
    }

    static double largest(float[] values) {
        double m = 0;
        for (float v : values) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
