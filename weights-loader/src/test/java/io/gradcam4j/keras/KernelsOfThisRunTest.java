package io.gradcam4j.keras;

import io.gradcam4j.engine.kernels.Kernels;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * In the test execution for one kind of kernels (the scalar-kernels execution of the pom sets
 * gradcam4j.test.kernels), the kernels that run are those: the whole-model comparisons of that
 * execution must not quietly run the vector kernels, and its JVM has no incubator module.
 */
class KernelsOfThisRunTest {
    @Test
    void theKernelsAreTheOnesThisExecutionIsFor() {
        String expected = System.getProperty("gradcam4j.test.kernels");
        assumeTrue(expected != null, "the default execution tests the kernels that load (vector, with --add-modules)");
        assertEquals(expected, Kernels.active().name());
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty(),
                "this execution's JVM should run without the incubator module");
    }
}
