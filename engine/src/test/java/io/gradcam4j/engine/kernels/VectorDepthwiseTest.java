package io.gradcam4j.engine.kernels;

import io.gradcam4j.engine.kernels.KernelCases.Case;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Random;

import static io.gradcam4j.engine.kernels.KernelCases.compare;

/** {@link VectorDepthwise} against {@link ScalarKernels} on the geometries of {@link KernelCases}. */
class VectorDepthwiseTest {
    private final Kernels vector = VectorKernels.INSTANCE;
    private final Kernels scalar = ScalarKernels.INSTANCE;
    private final Random random = new Random(7);

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.gradcam4j.engine.kernels.KernelCases#cases")
    void depthwiseConv2d(Case k) {
        WindowGeometry g = k.geometry();
        int mult = k.mult();
        float[] x = rand(k.batch() * k.h() * k.w() * k.c());
        float[] w = rand(k.kh() * k.kw() * k.c() * mult);
        // both kernels store every value: what out held before (NaN here) must not show
        float[] out = new float[k.batch() * g.outH() * g.outW() * k.c() * mult];
        Arrays.fill(out, Float.NaN);
        float[] expected = out.clone();
        scalar.depthwiseConv2d(x, w, mult, g, expected);
        vector.depthwiseConv2d(x, w, mult, g, out);
        compare(expected, out, "depthwiseConv2d " + k);
    }

    /** The fused form is the convolution, then min(max(sum + shift, 0), 6) per channel, as the epilogue's definition. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.gradcam4j.engine.kernels.KernelCases#cases")
    void depthwiseConv2dFused(Case k) {
        WindowGeometry g = k.geometry();
        int mult = k.mult();
        int channels = k.c() * mult;
        float[] x = rand(k.batch() * k.h() * k.w() * k.c());
        float[] w = rand(k.kh() * k.kw() * k.c() * mult);
        float[] shift = rand(channels);
        float[] expected = new float[k.batch() * g.outH() * g.outW() * channels];
        scalar.depthwiseConv2d(x, w, mult, g, expected);
        for (int i = 0; i < expected.length; i++) {
            expected[i] = Math.min(Math.max(expected[i] + shift[i % channels], 0f), 6f);
        }
        for (Kernels kernels : new Kernels[] {scalar, vector}) {
            float[] out = new float[expected.length];
            Arrays.fill(out, Float.NaN);
            kernels.depthwiseConv2dFused(x, w, mult, g, new Epilogue(shift, 0f, 6f), out);
            compare(expected, out, kernels.name() + " depthwiseConv2dFused " + k);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.gradcam4j.engine.kernels.KernelCases#cases")
    void depthwiseConv2dInputGrad(Case k) {
        WindowGeometry g = k.geometry();
        int mult = k.mult();
        float[] dy = rand(k.batch() * g.outH() * g.outW() * k.c() * mult);
        float[] w = rand(k.kh() * k.kw() * k.c() * mult);
        // both kernels store every value: what dx held before (NaN here) must not show
        float[] dx = new float[k.batch() * k.h() * k.w() * k.c()];
        Arrays.fill(dx, Float.NaN);
        float[] expected = dx.clone();
        scalar.depthwiseConv2dInputGrad(dy, w, mult, g, expected);
        vector.depthwiseConv2dInputGrad(dy, w, mult, g, dx);
        compare(expected, dx, "depthwiseConv2dInputGrad " + k);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.gradcam4j.engine.kernels.KernelCases#cases")
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

    private float[] rand(int size) {
        return KernelCases.rand(random, size);
    }
}
