package io.gradcam4j.engine.kernels;

import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Tensor;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static io.gradcam4j.engine.TensorAssert.assertClose;

/**
 * The active {@link Kernels} against the mathematical definitions written out below as plain
 * nested loops in double precision. The destination is always prefilled with random values,
 * because the kernels are specified to add into it: overwriting it would be a bug.
 *
 * <p>The references never call a kernel or each other: the gradients are the sums that define
 * them (scattered output by output), not a forward pass run backwards.
 */
class ScalarKernelsTest {
    /** float32 sums of a few hundred terms against double sums, relative to the largest value. */
    private static final double TOLERANCE = 1e-5;

    // The reference itself; VectorKernelsTest holds the vector kernels to it.
    private final Kernels kernels = ScalarKernels.INSTANCE;
    private final Random random = new Random(2024);

    /** One convolution setting: input NHWC, kernel size, strides, dilation, padding, out channels or multiplier. */
    record Case(String name, int batch, int h, int w, int c, int kh, int kw, int sh, int sw, int dh, int dw,
                Padding padding, int outOrMultiplier) {
        WindowGeometry geometry() {
            return WindowGeometry.of(new int[] {batch, h, w, c}, kh, kw, sh, sw, dh, dw, padding);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                new Case("3x3 valid, batch 2", 2, 7, 6, 3, 3, 3, 1, 1, 1, 1, Padding.VALID, 5),
                new Case("3x3 stride 2 same on 13x11", 1, 13, 11, 5, 3, 3, 2, 2, 1, 1, Padding.SAME, 6),
                // 29 columns, kernel width 2, stride 2: one padding column, all of it on the right
                new Case("3x2 stride 2 same on 33x29 (asymmetric)", 2, 33, 29, 3, 3, 2, 2, 2, 1, 1, Padding.SAME, 3),
                new Case("4x4 stride 2 same on 13x12 (pads 1/2 and 1/1)", 1, 13, 12, 3, 4, 4, 2, 2, 1, 1, Padding.SAME, 2),
                new Case("3x3 dilation 2 same", 2, 10, 9, 7, 3, 3, 1, 1, 2, 2, Padding.SAME, 3),
                new Case("5x3 dilation 2x1 valid", 1, 12, 10, 2, 5, 3, 1, 1, 2, 1, Padding.VALID, 3),
                new Case("3x2 strides 2x1 valid, 13 channels", 2, 9, 8, 13, 3, 2, 2, 1, 1, 1, Padding.VALID, 9),
                new Case("1x1", 1, 5, 4, 11, 1, 1, 1, 1, 1, 1, Padding.VALID, 10),
                new Case("window larger than the input, same", 1, 2, 3, 3, 5, 5, 1, 1, 1, 1, Padding.SAME, 2))
                .map(Arguments::of);
    }

    // ---- convolution -------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conv2dMatchesDefinition(Case k) {
        WindowGeometry g = k.geometry();
        int co = k.outOrMultiplier();
        float[] x = rand(k.batch() * k.h() * k.w() * k.c());
        float[] w = rand(k.kh() * k.kw() * k.c() * co);
        float[] out = rand(k.batch() * g.outH() * g.outW() * co);
        double[] expected = toDouble(out);
        for (int n = 0; n < k.batch(); n++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    for (int ky = 0; ky < k.kh(); ky++) {
                        for (int kx = 0; kx < k.kw(); kx++) {
                            int iy = oy * k.sh() - g.padTop() + ky * k.dh();
                            int ix = ox * k.sw() - g.padLeft() + kx * k.dw();
                            for (int ci = 0; ci < k.c(); ci++) {
                                for (int o = 0; o < co; o++) {
                                    expected[((n * g.outH() + oy) * g.outW() + ox) * co + o] +=
                                            xAt(x, k, n, iy, ix, ci) * w[((ky * k.kw() + kx) * k.c() + ci) * co + o];
                                }
                            }
                        }
                    }
                }
            }
        }
        kernels.conv2d(x, w, co, g, out);
        compare(expected, out, "conv2d " + k);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conv2dInputGradMatchesDefinition(Case k) {
        WindowGeometry g = k.geometry();
        int co = k.outOrMultiplier();
        float[] dy = rand(k.batch() * g.outH() * g.outW() * co);
        float[] w = rand(k.kh() * k.kw() * k.c() * co);
        float[] dx = rand(k.batch() * k.h() * k.w() * k.c());
        double[] expected = toDouble(dx);
        // dx[n,iy,ix,ci] = sum of dy[n,oy,ox,o] * w[ky,kx,ci,o] over the (output, tap) pairs that read (iy, ix)
        for (int n = 0; n < k.batch(); n++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    for (int ky = 0; ky < k.kh(); ky++) {
                        for (int kx = 0; kx < k.kw(); kx++) {
                            int iy = oy * k.sh() - g.padTop() + ky * k.dh();
                            int ix = ox * k.sw() - g.padLeft() + kx * k.dw();
                            if (!inside(k, iy, ix)) {
                                continue;
                            }
                            for (int ci = 0; ci < k.c(); ci++) {
                                for (int o = 0; o < co; o++) {
                                    expected[((n * k.h() + iy) * k.w() + ix) * k.c() + ci] +=
                                            (double) dy[((n * g.outH() + oy) * g.outW() + ox) * co + o]
                                                    * w[((ky * k.kw() + kx) * k.c() + ci) * co + o];
                                }
                            }
                        }
                    }
                }
            }
        }
        kernels.conv2dInputGrad(dy, w, co, g, dx);
        compare(expected, dx, "conv2dInputGrad " + k);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conv2dKernelGradMatchesDefinition(Case k) {
        WindowGeometry g = k.geometry();
        int co = k.outOrMultiplier();
        float[] x = rand(k.batch() * k.h() * k.w() * k.c());
        float[] dy = rand(k.batch() * g.outH() * g.outW() * co);
        float[] dw = rand(k.kh() * k.kw() * k.c() * co);
        double[] expected = toDouble(dw);
        // dw[ky,kx,ci,o] = sum over images and output pixels of x[n,iy,ix,ci] * dy[n,oy,ox,o]
        for (int ky = 0; ky < k.kh(); ky++) {
            for (int kx = 0; kx < k.kw(); kx++) {
                for (int ci = 0; ci < k.c(); ci++) {
                    for (int o = 0; o < co; o++) {
                        double s = 0;
                        for (int n = 0; n < k.batch(); n++) {
                            for (int oy = 0; oy < g.outH(); oy++) {
                                for (int ox = 0; ox < g.outW(); ox++) {
                                    int iy = oy * k.sh() - g.padTop() + ky * k.dh();
                                    int ix = ox * k.sw() - g.padLeft() + kx * k.dw();
                                    s += xAt(x, k, n, iy, ix, ci) * dy[((n * g.outH() + oy) * g.outW() + ox) * co + o];
                                }
                            }
                        }
                        expected[((ky * k.kw() + kx) * k.c() + ci) * co + o] += s;
                    }
                }
            }
        }
        kernels.conv2dKernelGrad(x, dy, co, g, dw);
        compare(expected, dw, "conv2dKernelGrad " + k);
    }

    // ---- depthwise convolution ---------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void depthwiseConv2dMatchesDefinition(Case k) {
        WindowGeometry g = k.geometry();
        int mult = depthMultiplier(k);
        int co = k.c() * mult;
        float[] x = rand(k.batch() * k.h() * k.w() * k.c());
        float[] w = rand(k.kh() * k.kw() * k.c() * mult);
        // the kernel stores every value: what out held before must not show
        float[] out = new float[k.batch() * g.outH() * g.outW() * co];
        Arrays.fill(out, Float.NaN);
        double[] expected = new double[out.length];
        // out[n,oy,ox,ci*mult+m] = sum over taps of x[n,iy,ix,ci] * w[ky,kx,ci,m]
        for (int n = 0; n < k.batch(); n++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    for (int ci = 0; ci < k.c(); ci++) {
                        for (int m = 0; m < mult; m++) {
                            double s = 0;
                            for (int ky = 0; ky < k.kh(); ky++) {
                                for (int kx = 0; kx < k.kw(); kx++) {
                                    int iy = oy * k.sh() - g.padTop() + ky * k.dh();
                                    int ix = ox * k.sw() - g.padLeft() + kx * k.dw();
                                    s += xAt(x, k, n, iy, ix, ci) * w[((ky * k.kw() + kx) * k.c() + ci) * mult + m];
                                }
                            }
                            expected[((n * g.outH() + oy) * g.outW() + ox) * co + ci * mult + m] += s;
                        }
                    }
                }
            }
        }
        kernels.depthwiseConv2d(x, w, mult, g, out);
        compare(expected, out, "depthwiseConv2d " + k);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void depthwiseConv2dInputGradMatchesDefinition(Case k) {
        WindowGeometry g = k.geometry();
        int mult = depthMultiplier(k);
        int co = k.c() * mult;
        float[] dy = rand(k.batch() * g.outH() * g.outW() * co);
        float[] w = rand(k.kh() * k.kw() * k.c() * mult);
        // the kernel stores every value: what dx held before must not show
        float[] dx = new float[k.batch() * k.h() * k.w() * k.c()];
        Arrays.fill(dx, Float.NaN);
        double[] expected = new double[dx.length];
        for (int n = 0; n < k.batch(); n++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    for (int ky = 0; ky < k.kh(); ky++) {
                        for (int kx = 0; kx < k.kw(); kx++) {
                            int iy = oy * k.sh() - g.padTop() + ky * k.dh();
                            int ix = ox * k.sw() - g.padLeft() + kx * k.dw();
                            if (!inside(k, iy, ix)) {
                                continue;
                            }
                            for (int ci = 0; ci < k.c(); ci++) {
                                for (int m = 0; m < mult; m++) {
                                    expected[((n * k.h() + iy) * k.w() + ix) * k.c() + ci] +=
                                            (double) dy[((n * g.outH() + oy) * g.outW() + ox) * co + ci * mult + m]
                                                    * w[((ky * k.kw() + kx) * k.c() + ci) * mult + m];
                                }
                            }
                        }
                    }
                }
            }
        }
        kernels.depthwiseConv2dInputGrad(dy, w, mult, g, dx);
        compare(expected, dx, "depthwiseConv2dInputGrad " + k);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void depthwiseConv2dKernelGradMatchesDefinition(Case k) {
        WindowGeometry g = k.geometry();
        int mult = depthMultiplier(k);
        int co = k.c() * mult;
        float[] x = rand(k.batch() * k.h() * k.w() * k.c());
        float[] dy = rand(k.batch() * g.outH() * g.outW() * co);
        float[] dw = rand(k.kh() * k.kw() * k.c() * mult);
        double[] expected = toDouble(dw);
        for (int ky = 0; ky < k.kh(); ky++) {
            for (int kx = 0; kx < k.kw(); kx++) {
                for (int ci = 0; ci < k.c(); ci++) {
                    for (int m = 0; m < mult; m++) {
                        double s = 0;
                        for (int n = 0; n < k.batch(); n++) {
                            for (int oy = 0; oy < g.outH(); oy++) {
                                for (int ox = 0; ox < g.outW(); ox++) {
                                    int iy = oy * k.sh() - g.padTop() + ky * k.dh();
                                    int ix = ox * k.sw() - g.padLeft() + kx * k.dw();
                                    s += xAt(x, k, n, iy, ix, ci)
                                            * dy[((n * g.outH() + oy) * g.outW() + ox) * co + ci * mult + m];
                                }
                            }
                        }
                        expected[((ky * k.kw() + kx) * k.c() + ci) * mult + m] += s;
                    }
                }
            }
        }
        kernels.depthwiseConv2dKernelGrad(x, dy, mult, g, dw);
        compare(expected, dw, "depthwiseConv2dKernelGrad " + k);
    }

    /** Depthwise multipliers 1 to 3, so that multiplier 1 (the common case) and >1 are both covered. */
    private static int depthMultiplier(Case k) {
        return 1 + k.outOrMultiplier() % 3;
    }

    // ---- matrix products ---------------------------------------------------------------------

    /** (m, k, n): m = 1 is a batch-1 Dense layer (split over columns), larger m splits over rows. */
    static Stream<Arguments> matrixSizes() {
        return Stream.of(
                Arguments.of(1, 1, 1), Arguments.of(1, 17, 9), Arguments.of(1, 50, 1000), Arguments.of(3, 5, 7),
                Arguments.of(8, 64, 33), Arguments.of(13, 100, 1), Arguments.of(2, 300, 129), Arguments.of(37, 3, 70));
    }

    @ParameterizedTest(name = "m={0} k={1} n={2}")
    @MethodSource("matrixSizes")
    void matmulMatchesDefinitionAndEjml(int m, int k, int n) {
        float[] a = rand(m * k);
        float[] b = rand(k * n);
        float[] c = rand(m * n);
        double[] expected = toDouble(c);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < k; p++) {
                    expected[i * n + j] += (double) a[i * k + p] * b[p * n + j];
                }
            }
        }
        FMatrixRMaj ejml = FMatrixRMaj.wrap(m, n, c.clone());
        CommonOps_FDRM.multAdd(FMatrixRMaj.wrap(m, k, a), FMatrixRMaj.wrap(k, n, b), ejml);

        kernels.matmul(a, b, c, m, k, n);
        compare(expected, c, "matmul vs definition");
        assertClose(Tensor.of(ejml.data, m * n), Tensor.of(c, m * n), TOLERANCE, "matmul vs EJML");
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @MethodSource("matrixSizes")
    void matmulTransBMatchesDefinitionAndEjml(int m, int n, int k) {
        float[] a = rand(m * n);
        float[] b = rand(k * n);
        float[] c = rand(m * k);
        double[] expected = toDouble(c);
        // c[i,p] += sum_j a[i,j] * b[p,j]
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    expected[i * k + p] += (double) a[i * n + j] * b[p * n + j];
                }
            }
        }
        FMatrixRMaj ejml = FMatrixRMaj.wrap(m, k, c.clone());
        CommonOps_FDRM.multAddTransB(FMatrixRMaj.wrap(m, n, a), FMatrixRMaj.wrap(k, n, b), ejml);

        kernels.matmulTransB(a, b, c, m, n, k);
        compare(expected, c, "matmulTransB vs definition");
        assertClose(Tensor.of(ejml.data, m * k), Tensor.of(c, m * k), TOLERANCE, "matmulTransB vs EJML");
    }

    @ParameterizedTest(name = "m={0} k={1} n={2}")
    @MethodSource("matrixSizes")
    void matmulTransAMatchesDefinitionAndEjml(int m, int k, int n) {
        float[] a = rand(m * k);
        float[] b = rand(m * n);
        float[] c = rand(k * n);
        double[] expected = toDouble(c);
        // c[p,j] += sum_i a[i,p] * b[i,j]
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < m; i++) {
                    expected[p * n + j] += (double) a[i * k + p] * b[i * n + j];
                }
            }
        }
        FMatrixRMaj ejml = FMatrixRMaj.wrap(k, n, c.clone());
        CommonOps_FDRM.multAddTransA(FMatrixRMaj.wrap(m, k, a), FMatrixRMaj.wrap(m, n, b), ejml);

        kernels.matmulTransA(a, b, c, m, k, n);
        compare(expected, c, "matmulTransA vs definition");
        assertClose(Tensor.of(ejml.data, k * n), Tensor.of(c, k * n), TOLERANCE, "matmulTransA vs EJML");
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static boolean inside(Case k, int iy, int ix) {
        return iy >= 0 && iy < k.h() && ix >= 0 && ix < k.w();
    }

    /** The input value, or 0 in the padding. */
    private static double xAt(float[] x, Case k, int n, int iy, int ix, int ci) {
        return inside(k, iy, ix) ? x[((n * k.h() + iy) * k.w() + ix) * k.c() + ci] : 0.0;
    }

    private float[] rand(int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = 2f * random.nextFloat() - 1f;
        }
        return v;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static void compare(double[] expected, float[] actual, String what) {
        float[] e = new float[expected.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) expected[i];
        }
        assertClose(Tensor.of(e, e.length), Tensor.of(actual, actual.length), TOLERANCE, what);
    }
}
