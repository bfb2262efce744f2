package io.gradcam4j.engine.kernels;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The choice between the Vector API and the scalar kernels: the decision function directly,
 * and two short-lived JVMs (with and without {@code --add-modules jdk.incubator.vector}) that
 * print {@code Kernels.active().name()}.
 */
class KernelSelectionTest {

    @Test
    void autoPicksVectorOnlyWhenTheModuleIsPresent() {
        assertSame(VectorKernels.INSTANCE, KernelSelection.select(null, true));
        assertSame(VectorKernels.INSTANCE, KernelSelection.select(" AUTO ", true));
        assertSame(ScalarKernels.INSTANCE, KernelSelection.select(null, false));
        assertSame(ScalarKernels.INSTANCE, KernelSelection.select("", false));
    }

    @Test
    void propertyForcesAChoice() {
        assertSame(ScalarKernels.INSTANCE, KernelSelection.select("scalar", true));
        assertSame(VectorKernels.INSTANCE, KernelSelection.select("vector", true));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KernelSelection.select("vector", false));
        assertTrue(e.getMessage().contains("--add-modules jdk.incubator.vector"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelSelection.select("gpu", true));
    }

    @Test
    void testsRunWithTheVectorKernels() {
        // surefire starts the test JVM with --add-modules jdk.incubator.vector (root pom)
        assertTrue(KernelSelection.vectorModulePresent());
        assertSame(VectorKernels.INSTANCE, Kernels.active());
    }

    @Test
    void aJvmWithoutTheModuleRunsScalar() throws Exception {
        assertEquals("scalar", runActive(false, null));
        assertEquals(VectorKernels.INSTANCE.name(), runActive(true, null));
        assertEquals("scalar", runActive(true, "scalar"));
    }

    /** Runs {@link PrintActiveKernels} in a new JVM and returns what it printed. */
    private static String runActive(boolean addModule, String property) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.add("-Xshare:auto");
        cmd.add("-XX:TieredStopAtLevel=1");
        if (addModule) {
            cmd.add("--add-modules");
            cmd.add("jdk.incubator.vector");
        }
        if (property != null) {
            cmd.add("-D" + KernelSelection.PROPERTY + "=" + property);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(PrintActiveKernels.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), "child JVM failed: " + out + "\n" + err);
        return out;
    }
}
