package io.gradcam4j.demo;

import io.gradcam4j.cam.CamStatus;
import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The on-object share of {@link HeldOutEvaluation} on maps whose answer is known by hand. */
class OnObjectShareTest {
    private static ClassMap map(float[] values, int side, CamStatus status) {
        Tensor t = Tensor.of(values, side, side);
        return new ClassMap(0, 1f, t, 1f, t, status, false, null, null, List.of(), Map.of());
    }

    @Test
    void aFlatMapGivesTheMasksShareOfThePicture() {
        float[] flat = new float[16 * 16];
        java.util.Arrays.fill(flat, 1f);
        boolean[] mask = new boolean[128 * 128];
        for (int y = 32; y < 64; y++) {
            for (int x = 0; x < 128; x++) {
                mask[y * 128 + x] = true;   // a quarter of the rows
            }
        }
        assertEquals(0.25, HeldOutEvaluation.onObjectShare(map(flat, 16, CamStatus.OK), mask, 128, 128), 1e-6);
        assertEquals(0.25, HeldOutEvaluation.onObjectShare(map(flat, 16, CamStatus.FLAT_MAP), mask, 128, 128), 1e-12);
    }

    @Test
    void aMapOnOneHalfCountsThatHalfOnly() {
        // Left half of a 16x16 map at 1, right half at 0; bilinear upsampling blurs one cell
        // across the border, so the mass stays almost all on the left half of the picture.
        float[] left = new float[16 * 16];
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 8; x++) {
                left[y * 16 + x] = 1f;
            }
        }
        boolean[] leftMask = new boolean[128 * 128];
        boolean[] rightMask = new boolean[128 * 128];
        for (int p = 0; p < leftMask.length; p++) {
            leftMask[p] = p % 128 < 64;
            rightMask[p] = !leftMask[p];
        }
        double onLeft = HeldOutEvaluation.onObjectShare(map(left, 16, CamStatus.OK), leftMask, 128, 128);
        double onRight = HeldOutEvaluation.onObjectShare(map(left, 16, CamStatus.OK), rightMask, 128, 128);
        assertTrue(onLeft > 0.95, "on the left: " + onLeft);
        assertEquals(1, onLeft + onRight, 1e-9);
    }

    @Test
    void aMapWithoutPositiveEvidenceIsNotOnTheObject() {
        boolean[] all = new boolean[128 * 128];
        java.util.Arrays.fill(all, true);
        assertEquals(0, HeldOutEvaluation.onObjectShare(map(new float[256], 16, CamStatus.NO_POSITIVE_EVIDENCE), all,
                128, 128));
    }
}
