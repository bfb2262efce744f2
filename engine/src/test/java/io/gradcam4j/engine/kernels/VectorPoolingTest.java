package io.gradcam4j.engine.kernels;

import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.kernels.KernelCases.Case;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Max pooling of {@link VectorPooling} and {@link ScalarKernels} against its definition, on the window
 * shapes, strides, paddings and channel counts of {@link KernelCases} (pooling has no dilation). A
 * maximum is exact, so the results must be equal bit for bit, NaN included.
 */
class VectorPoolingTest {
    /** Never a maximum of the inputs here: shows an element that a kernel left unwritten. */
    private static final float UNWRITTEN = 1e30f;

    private final Random random = new Random(11);

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.gradcam4j.engine.kernels.KernelCases#cases")
    void maxPool2dMatchesDefinition(Case k) {
        WindowGeometry g = WindowGeometry.of(new int[] {k.batch(), k.h(), k.w(), k.c()}, k.kh(), k.kw(), k.sh(), k.sw(),
                1, 1, k.padding());
        float[] x = KernelCases.rand(random, k.batch() * k.h() * k.w() * k.c());
        assertBothMatchDefinition(x, g, k.toString());
    }

    @Test
    void aNaNInAWindowWinsAndInfinitiesAndSignedZerosCompareAsMathMax() {
        // 3x3 windows stride 2 same over 9x9 with 37 channels (two vectors and a rest at 16 lanes)
        int c = 37;
        WindowGeometry g = WindowGeometry.of(new int[] {1, 9, 9, c}, 3, 3, 2, 2, 1, 1, Padding.SAME);
        float[] x = KernelCases.rand(random, 9 * 9 * c);
        float[] special = {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -0f, 0f};
        for (int i = 0; i < x.length; i += 7) {
            x[i] = special[i % special.length];
        }
        assertBothMatchDefinition(x, g, "special values");
    }

    @Test
    void anAllNegativeWindowAtThePaddingKeepsItsMaximum() {
        // padded cells are not zeros: a window of negatives at the border keeps a negative maximum
        WindowGeometry g = WindowGeometry.of(new int[] {1, 5, 5, 20}, 3, 3, 2, 2, 1, 1, Padding.SAME);
        float[] x = new float[5 * 5 * 20];
        for (int i = 0; i < x.length; i++) {
            x[i] = -1f - i;
        }
        assertBothMatchDefinition(x, g, "negatives");
    }

    @Test
    void aWindowWithNoCellInsideTheImageIsRefused() {
        // padding only Keras never makes: every window of row 0 lies above the image
        WindowGeometry g = new WindowGeometry(1, 3, 3, 20, 2, 2, 2, 2, 1, 1, 2, 0, 2, 2);
        float[] x = new float[3 * 3 * 20];
        float[] out = new float[2 * 2 * 20];
        assertThrows(IllegalArgumentException.class, () -> ScalarKernels.INSTANCE.maxPool2d(x, g, out));
        assertThrows(IllegalArgumentException.class, () -> VectorKernels.INSTANCE.maxPool2d(x, g, out));
    }

    private static void assertBothMatchDefinition(float[] x, WindowGeometry g, String what) {
        float[] expected = definition(x, g);
        for (Kernels k : new Kernels[] {ScalarKernels.INSTANCE, VectorKernels.INSTANCE}) {
            float[] out = new float[expected.length];
            Arrays.fill(out, UNWRITTEN);
            k.maxPool2d(x, g, out);
            for (int i = 0; i < out.length; i++) {
                assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(out[i]),
                        k.name() + " maxPool2d " + what + " at " + i + ": " + out[i] + ", expected " + expected[i]);
            }
        }
    }

    /** The maximum over each window's cells inside the image, written without Math.max: NaN wins, then +0 beats -0. */
    private static float[] definition(float[] x, WindowGeometry g) {
        int c = g.channels();
        float[] y = new float[g.batch() * g.outH() * g.outW() * c];
        for (int n = 0; n < g.batch(); n++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    for (int ch = 0; ch < c; ch++) {
                        float m = Float.NEGATIVE_INFINITY;
                        boolean nan = false;
                        for (int ky = 0; ky < g.kh(); ky++) {
                            for (int kx = 0; kx < g.kw(); kx++) {
                                int iy = oy * g.strideH() - g.padTop() + ky;
                                int ix = ox * g.strideW() - g.padLeft() + kx;
                                if (iy < 0 || iy >= g.inH() || ix < 0 || ix >= g.inW()) {
                                    continue;
                                }
                                float v = x[((n * g.inH() + iy) * g.inW() + ix) * c + ch];
                                nan |= Float.isNaN(v);
                                // +0 beats -0, as in Math.max
                                if (v > m || (v == 0f && m == 0f && Float.floatToIntBits(v) == 0)) {
                                    m = v;
                                }
                            }
                        }
                        y[((n * g.outH() + oy) * g.outW() + ox) * c + ch] = nan ? Float.NaN : m;
                    }
                }
            }
        }
        return y;
    }
}
