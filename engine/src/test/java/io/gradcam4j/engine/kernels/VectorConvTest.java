package io.gradcam4j.engine.kernels;

import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.kernels.KernelCases.Case;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;

import static io.gradcam4j.engine.kernels.KernelCases.compare;
import static io.gradcam4j.engine.kernels.KernelCases.compareWithin;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link VectorConv} (through {@link VectorKernels}) against {@link ScalarKernels}, the reference, on
 * the geometries of {@link KernelCases}: plain, fused with an epilogue, with scaled (folded) weights,
 * and the checks on prepared weights.
 */
class VectorConvTest {
    private final Kernels vector = VectorKernels.INSTANCE;
    private final Kernels scalar = ScalarKernels.INSTANCE;
    private final Random random = new Random(7);

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.gradcam4j.engine.kernels.KernelCases#cases")
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
     * destination full of NaN: every value is written. The difference allowed is relative to the
     * largest sum before the clamp (the rounding of sums of up to 4608 products, which relu6 hides
     * from the largest output); 3x3 stride-1 cases with 32 channels or more run as Winograd.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.gradcam4j.engine.kernels.KernelCases#cases")
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
        float[] sums = new float[out.length];
        scalar.conv2d(x, w, k.cout(), g, sums);
        compareWithin(expected, out, KernelCases.TOLERANCE * KernelCases.largest(sums), "conv2dFused " + k);
    }

    /**
     * Weights prepared with a per-channel scale (a folded BatchNormalization) compute what the
     * kernel scaled by hand computes, with both implementations.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.gradcam4j.engine.kernels.KernelCases#cases")
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
    @MethodSource("io.gradcam4j.engine.kernels.KernelCases#cases")
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

    private float[] rand(int size) {
        return KernelCases.rand(random, size);
    }
}
