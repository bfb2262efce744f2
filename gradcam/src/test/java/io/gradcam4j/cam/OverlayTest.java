package io.gradcam4j.cam;

import io.gradcam4j.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Rendering facts: TF half-pixel upsampling, matplotlib's jet ends, Keras's min-max overlay. */
class OverlayTest {

    private static ClassMap map(float[] values, int h, int w, CamStatus status) {
        Tensor t = Tensor.of(values, h, w);
        return new ClassMap(0, 1f, t, 1f, t, status, false, null, null, java.util.List.of(), java.util.Map.of());
    }

    @Test
    void upsamplingUsesHalfPixelCentres() {
        float[] up = Overlay.upsample(Tensor.of(new float[] {0f, 1f, 0f, 1f}, 2, 2), 4, 2);
        // source x = (o + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> 0, 0.25, 0.75, 1
        assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1f}, java.util.Arrays.copyOf(up, 4), 1e-6f);
    }

    @Test
    void jetRunsFromDarkBlueToDarkRed() {
        // matplotlib: jet(0) = (0, 0, 0.5), jet(1) = (0.5, 0, 0)
        assertEquals(0x000080, Colormap.JET.rgb(0f));
        assertEquals(0x800000, Colormap.JET.rgb(1f));
        assertEquals(0x808080, Colormap.GRAY.rgb(128f / 255f + 1e-4f));
        // viridis(0) = (0.267004, 0.004874, 0.329415)
        assertEquals((68 << 16) | (1 << 8) | 84, Colormap.VIRIDIS.rgb(0f));
    }

    @Test
    void overlayIsImagePlusAlphaHeatmapScaledToFullRange() {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0x000000);
        image.setRGB(1, 0, 0x646464);
        BufferedImage out = Overlay.overlay(image, map(new float[] {1f}, 1, 1, CamStatus.OK), Colormap.GRAY, 0.5f);
        // mixed = image + 0.5 * 255: (127.5, ...) and (227.5, ...); min-max -> 0 and 255
        assertEquals(0x000000, out.getRGB(0, 0) & 0xffffff);
        assertEquals(0xffffff, out.getRGB(1, 0) & 0xffffff);
    }

    @Test
    void aMapWithoutEvidenceIsNotPainted() {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        image.setRGB(1, 1, 0x123456);
        BufferedImage out = Overlay.overlay(image, map(new float[4], 2, 2, CamStatus.NO_POSITIVE_EVIDENCE),
                Colormap.JET, 0.4f);
        assertEquals(0x123456, out.getRGB(1, 1) & 0xffffff);
        assertEquals(0, out.getRGB(0, 0) & 0xffffff);
    }
}
