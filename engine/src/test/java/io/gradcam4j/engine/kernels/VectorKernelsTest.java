package io.gradcam4j.engine.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The facade {@link VectorKernels}: its name reports the lanes this JVM chose. */
class VectorKernelsTest {
    private final Kernels vector = VectorKernels.INSTANCE;
    private final Kernels scalar = ScalarKernels.INSTANCE;
    private final Random random = new Random(7);

    @Test
    void reportsItsWidth() {
        assertTrue(vector.name().startsWith("vector ("), vector.name());
        assertTrue(vector.name().contains(VectorKernels.lanes() + " lanes"), vector.name());
    }

    private float[] rand(int size) {
        return KernelCases.rand(random, size);
    }
}
