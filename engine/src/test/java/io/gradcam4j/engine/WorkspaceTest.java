package io.gradcam4j.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

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
}
