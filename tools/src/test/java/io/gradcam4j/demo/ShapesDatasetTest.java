package io.gradcam4j.demo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShapesDatasetTest {
    private final ShapesDataset data = new ShapesDataset(7, 48);

    @Test
    void samplesAreAFunctionOfSeedSplitAndIndex() {
        ShapesDataset.Sample a = data.sample(ShapesDataset.Split.TRAIN, 12);
        ShapesDataset.Sample b = new ShapesDataset(7, 48).sample(ShapesDataset.Split.TRAIN, 12);
        assertArrayEquals(a.rgb(), b.rgb());
        assertArrayEquals(a.box(), b.box());
        assertFalse(java.util.Arrays.equals(a.rgb(), data.sample(ShapesDataset.Split.TEST, 12).rgb()),
                "train and test differ");
        assertFalse(java.util.Arrays.equals(a.rgb(), new ShapesDataset(8, 48).sample(ShapesDataset.Split.TRAIN, 12)
                .rgb()), "seeds differ");
    }

    @Test
    void classesAreBalancedAndTheMaskLiesInTheBox() {
        int[] counts = new int[ShapesDataset.CLASSES.size()];
        for (int i = 0; i < 50; i++) {
            ShapesDataset.Sample s = data.sample(ShapesDataset.Split.TEST, i);
            counts[s.label()]++;
            int[] box = s.box();
            assertTrue(box[0] >= 0 && box[1] >= 0 && box[2] <= 48 && box[3] <= 48 && box[0] < box[2]
                    && box[1] < box[3], java.util.Arrays.toString(box));
            int maskPixels = 0;
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 48; x++) {
                    if (s.inMask(x, y)) {
                        maskPixels++;
                        assertTrue(s.inBox(x, y));
                    }
                }
            }
            // The object is at least ~13% of the image wide: dozens of pixels.
            assertTrue(maskPixels > 30, "mask of sample " + i + " has " + maskPixels + " pixels");
        }
        for (int c : counts) {
            assertEquals(10, c);
        }
    }

    @Test
    void aLargerRenderingHasTheSameGeometry() {
        ShapesDataset.Sample small = data.sample(ShapesDataset.Split.TEST, 3);
        ShapesDataset.Sample big = data.sample(ShapesDataset.Split.TEST, 3, 96);
        assertEquals(small.label(), big.label());
        for (int k = 0; k < 4; k++) {
            assertEquals(small.box()[k] * 2, big.box()[k], 2.0, "box edge " + k);
        }
    }
}
