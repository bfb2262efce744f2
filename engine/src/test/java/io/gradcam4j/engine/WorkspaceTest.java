package io.gradcam4j.engine;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkspaceTest {

    @Test
    void reusesReturnedArraysZeroedOnlyInsideAScope() {
        Workspace w = new Workspace(1 << 20);
        float[] a;
        try (Workspace.Scope s = w.enter()) {
            a = Workspace.zeros(5000);
            a[7] = 3f;
            Workspace.recycle(a);
            float[] b = Workspace.zeros(5000);
            assertSame(a, b);
            assertEquals(0f, b[7]);
            assertNotSame(a, Workspace.zeros(5000), "an array is handed out once");
            Workspace.recycle(b);
        }
        assertNotSame(a, Workspace.zeros(5000), "outside the scope every array is new");
    }

    @Test
    void keepsNoMoreThanItsLimitAndIgnoresSmallArrays() {
        Workspace w = new Workspace(10_000);
        try (Workspace.Scope s = w.enter()) {
            float[] a = new float[6000];
            float[] b = new float[6000];
            Workspace.recycle(a);
            Workspace.recycle(b);               // over the limit: dropped
            assertSame(a, Workspace.zeros(6000));
            assertNotSame(b, Workspace.zeros(6000));
            float[] small = new float[100];
            Workspace.recycle(small);
            assertNotSame(small, Workspace.zeros(100));
        }
    }

    /**
     * A workspace holding 40 % of the heap must not make an allocation of 60 % fail: in a child
     * JVM (serial collector, old generation 6/7 of the heap, as the CLI runs), the held array
     * and the new one do not fit together, so the run passes only if the collector may take the
     * held array back; and that array no longer counts against the limit.
     */
    @Test
    void givesItsArraysBackBeforeTheHeapRunsOut() throws Exception {
        List<String> cmd = List.of(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:NewRatio=6",
                "-cp", System.getProperty("java.class.path"), HoldAndAllocate.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), "child JVM failed:\n" + out);
        assertTrue(out.contains("allocated") && out.contains("held again"), out);
    }

    /** The child of {@link #givesItsArraysBackBeforeTheHeapRunsOut}. */
    static final class HoldAndAllocate {
        public static void main(String[] args) {
            long max = Runtime.getRuntime().maxMemory();
            Workspace w = new Workspace();
            try (Workspace.Scope s = w.enter()) {
                Workspace.recycle(new float[(int) (max * 0.4 / Float.BYTES)]);
                float[] big = new float[(int) (max * 0.6 / Float.BYTES)];
                System.out.println("allocated " + big.length + " floats");
                big = null;
                // the array taken back no longer counts against the limit: another is held again
                float[] again = new float[(int) (max * 0.4 / Float.BYTES)];
                Workspace.recycle(again);
                System.out.println(Workspace.uninitialized(again.length) == again ? "held again" : "not held");
            }
        }
    }
}
