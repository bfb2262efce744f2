package io.gradcam4j.engine.kernels;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The warm-up runs on a daemon thread whose failures nobody sees: a shape the kernels refuse
 * would only make the first image slower. So every shape is run here on both implementations.
 */
class KernelWarmUpTest {

    @Test
    void everyShapeRunsOnTheVectorKernels() {
        assertDoesNotThrow(() -> KernelWarmUp.round(VectorKernels.INSTANCE));
    }

    @Test
    void everyShapeRunsOnTheScalarKernels() {
        assertDoesNotThrow(() -> KernelWarmUp.round(ScalarKernels.INSTANCE));
    }

    @Test
    void theBackgroundThreadEndsSoonAfterStop() throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = KernelWarmUp.startInBackground();
        t.setUncaughtExceptionHandler((thread, e) -> failure.set(e));
        Thread.sleep(200);
        KernelWarmUp.stop();
        t.join(30_000);   // one round at most, even in a JVM that has compiled nothing
        assertFalse(t.isAlive(), "the warm-up still runs after stop()");
        assertNull(failure.get(), () -> "the warm-up failed: " + failure.get());
    }
}
