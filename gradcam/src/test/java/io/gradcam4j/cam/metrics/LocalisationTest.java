package io.gradcam4j.cam.metrics;

import io.gradcam4j.cam.CamStatus;
import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.errors.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Localisation figures on maps whose answers follow from the definitions by hand. */
class LocalisationTest {

    private static ClassMap map(float[] values, int h, int w, CamStatus status) {
        Tensor t = Tensor.of(values, h, w);
        return new ClassMap(0, 1f, t, 1f, t, status, false, null, null, List.of(), Map.of());
    }

    @Test
    void aUniformMapPutsTheObjectsAreaShareOnIt() {
        // A constant map stays constant when upsampled: the share is the box's share of the image.
        ClassMap flat = map(new float[] {1, 1, 1, 1}, 2, 2, CamStatus.FLAT_MAP);
        ObjectMask box = ObjectMask.box(10, 10, 0, 0, 5, 4);
        Localisation l = Localisation.of(flat, box);
        assertTrue(l.defined());
        assertEquals(20.0 / 100, l.onObjectShare(), 1e-6);
        // every pixel is at the maximum, so the binarised map is the whole image
        assertEquals(20.0 / 100, l.iou(), 1e-12);
        assertTrue(l.pointingHit(), "the first maximum is pixel (0, 0), on the box");
    }

    @Test
    void sharePeakAndIouOfAMapAtTheMasksResolution() {
        // 4x1 image, object = pixels 1 and 2; map 0, 3, 1, 4
        ObjectMask object = ObjectMask.of(4, 1, new boolean[] {false, true, true, false});
        Localisation l = Localisation.of(new float[] {0, 3, 1, 4}, object, 0.5);
        assertEquals(4.0 / 8, l.onObjectShare(), 1e-12);
        assertFalse(l.pointingHit(), "the maximum (4) is at pixel 3, off the object");
        assertEquals(3, l.peakX());
        // hot at >= 2: pixels 1 and 3; union {1, 2, 3}, intersection {1}
        assertEquals(1.0 / 3, l.iou(), 1e-12);
    }

    @Test
    void aMapWithNothingToShowHasNoLocalisationAndNoNaN() {
        ClassMap zero = map(new float[4], 2, 2, CamStatus.ZERO_GRADIENT);
        Localisation l = Localisation.of(zero, ObjectMask.box(4, 4, 0, 0, 2, 2));
        assertFalse(l.defined());
        assertEquals(0, l.onObjectShare());
        assertFalse(Localisation.of(new float[] {0, 0}, ObjectMask.of(2, 1, new boolean[] {true, false}), 0.5)
                .defined());
    }

    @Test
    void aMapOnlyOnTheObjectScoresOneAfterBilinearUpsampling() {
        // 2x2 map with mass only in the top-left cell, upsampled to 8x8: the half-pixel bilinear
        // kernel spreads it over the top-left 6x6 pixels at most (weights fall to zero at the
        // centre of the neighbouring cell, pixel 6), so a 6x6 object holds all of it.
        ClassMap corner = map(new float[] {1, 0, 0, 0}, 2, 2, CamStatus.OK);
        Localisation l = Localisation.of(corner, ObjectMask.box(8, 8, 0, 0, 6, 6));
        assertEquals(1.0, l.onObjectShare(), 1e-6);
        assertTrue(l.pointingHit());
        Localisation elsewhere = Localisation.of(corner, ObjectMask.box(8, 8, 6, 6, 8, 8));
        assertEquals(0.0, elsewhere.onObjectShare(), 1e-6);
    }

    @Test
    void masksFromImagesBoxesAndResizing() {
        BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(1, 0, 0, 255);
        img.getRaster().setSample(3, 1, 0, 1);
        ObjectMask m = ObjectMask.fromImage(img);
        assertEquals(2, m.area());
        assertTrue(m.contains(1, 0) && m.contains(3, 1) && !m.contains(0, 0));
        ObjectMask big = m.resizedTo(8, 4);
        assertEquals(8, big.area(), "each pixel becomes 2x2");
        assertTrue(big.contains(2, 0) && big.contains(3, 1) && big.contains(7, 3));
        assertEquals(4, ObjectMask.box(3, 3, -5, -5, 2, 2).area(), "clipped to the image");
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> ObjectMask.box(3, 3, 5, 5, 9, 9));
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
        assertThrows(InvalidRequestException.class, () -> ObjectMask.box(3, 3, 2, 0, 1, 2));
    }
}
