package io.gradcam4j.engine.kernels;

import io.gradcam4j.engine.kernels.KernelCases.Case;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;

import static io.gradcam4j.engine.kernels.KernelCases.compare;

/** {@link VectorConvGrad} against {@link ScalarKernels} on the geometries of {@link KernelCases}. */
class VectorConvGradTest {
    private final Kernels vector = VectorKernels.INSTANCE;
    private final Kernels scalar = ScalarKernels.INSTANCE;
    private final Random random = new Random(7);

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.gradcam4j.engine.kernels.KernelCases#cases")
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
    @MethodSource("io.gradcam4j.engine.kernels.KernelCases#cases")
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

    private float[] rand(int size) {
        return KernelCases.rand(random, size);
    }
}
