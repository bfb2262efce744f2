package io.gradcam4j.engine.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;

import static io.gradcam4j.engine.kernels.KernelCases.compare;

/** {@link VectorMatmul} against {@link ScalarKernels} on the matrix sizes of {@link KernelCases}. */
class VectorMatmulTest {
    private final Kernels vector = VectorKernels.INSTANCE;
    private final Kernels scalar = ScalarKernels.INSTANCE;
    private final Random random = new Random(7);

    @ParameterizedTest(name = "m={0} k={1} n={2}")
    @MethodSource("io.gradcam4j.engine.kernels.KernelCases#matrixSizes")
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
    @MethodSource("io.gradcam4j.engine.kernels.KernelCases#matrixSizes")
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
    @MethodSource("io.gradcam4j.engine.kernels.KernelCases#matrixSizes")
    void matmulTransA(int m, int k, int n) {
        float[] a = rand(m * k);
        float[] b = rand(m * n);
        float[] c = rand(k * n);
        float[] expected = c.clone();
        scalar.matmulTransA(a, b, expected, m, k, n);
        vector.matmulTransA(a, b, c, m, k, n);
        compare(expected, c, "matmulTransA");
    }

    private float[] rand(int size) {
        return KernelCases.rand(random, size);
    }
}
