package io.gradcam4j.demo;

import io.gradcam4j.cam.ImageLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShapesDatasetTest {
    private final ShapesDataset data = new ShapesDataset(7, 64);

    @Test
    void samplesAreAFunctionOfSeedBackdropSplitAndIndex() {
        ShapesDataset.Sample a = data.sample(ShapesDataset.Split.TRAIN, 12);
        ShapesDataset.Sample b = new ShapesDataset(7, 64).sample(ShapesDataset.Split.TRAIN, 12);
        assertArrayEquals(a.rgb(), b.rgb());
        assertArrayEquals(a.box(), b.box());
        assertFalse(java.util.Arrays.equals(a.rgb(), data.sample(ShapesDataset.Split.TEST, 12).rgb()),
                "train and test differ");
        assertFalse(java.util.Arrays.equals(a.rgb(), new ShapesDataset(8, 64).sample(ShapesDataset.Split.TRAIN, 12)
                .rgb()), "seeds differ");
        assertFalse(java.util.Arrays.equals(a.rgb(), new ShapesDataset(7, 64, ShapesDataset.Backdrop.SHORTCUT)
                .sample(ShapesDataset.Split.TRAIN, 12).rgb()), "backdrops differ");
    }

    @Test
    void classesAreBalancedAndTheMaskLiesInTheBox() {
        int[] counts = new int[ShapesDataset.CLASSES.size()];
        for (int i = 0; i < 50; i++) {
            ShapesDataset.Sample s = data.picture(ShapesDataset.Split.TEST, i);
            assertEquals(ShapesDataset.PICTURE_SIZE, s.size());
            counts[s.label()]++;
            int[] box = s.box();
            int n = s.size();
            assertTrue(box[0] >= 0 && box[1] >= 0 && box[2] <= n && box[3] <= n && box[0] < box[2]
                    && box[1] < box[3], java.util.Arrays.toString(box));
            int maskPixels = 0;
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    if (s.inMask(x, y)) {
                        maskPixels++;
                        assertTrue(s.inBox(x, y));
                    }
                }
            }
            // The smallest object is a cross of radius 0.09 with thin arms: still over a hundred pixels of 128x128.
            assertTrue(maskPixels > 100, "mask of sample " + i + " has " + maskPixels + " pixels");
            assertTrue(maskPixels < n * n / 3, "mask of sample " + i + " has " + maskPixels + " pixels");
        }
        for (int c : counts) {
            assertEquals(10, c);
        }
    }

    /**
     * The model is trained on what the command line feeds it: a sample is the picture resized as
     * {@link ImageLoader} resizes a file (its own implementation of Pillow's nearest neighbour).
     */
    @Test
    void aSampleIsItsPictureLoadedAsTheCommandLineLoadsIt(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 5; i++) {
            ShapesDataset.Sample picture = data.picture(ShapesDataset.Split.TEST, i);
            Path file = dir.resolve(i + ".png");
            ImageIO.write(picture.image(), "png", file.toFile());
            float[] loaded = ImageLoader.load(file, new ImageLoader.Options(64, 64, 3,
                    ImageLoader.Interpolation.NEAREST, false)).pixels().data();
            float[] sample = data.sample(ShapesDataset.Split.TEST, i).pixels().data();
            assertArrayEquals(loaded, sample, "sample " + i);
        }
    }

    /** In the shortcut set the texture follows the class; in the swapped set it never does. */
    @Test
    void theShortcutTextureFollowsTheClassAndTheSwappedOneNever() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int label = 0; label < ShapesDataset.CLASSES.size(); label++) {
            for (int k = 0; k < 50; k++) {
                int t = ShortcutTextures.swappedTexture(label, r);
                assertNotEquals(label, t);
                assertTrue(t >= 0 && t < ShapesDataset.CLASSES.size());
            }
        }
        // Two shortcut pictures of one class share their texture's structure: away from the object
        // (the top rows hold no object for most scenes), the horizontal stripes of "circle" vary
        // from row to row but not along a row.
        ShapesDataset shortcut = new ShapesDataset(5, 64, ShapesDataset.Backdrop.SHORTCUT);
        ShapesDataset.Sample circle = shortcut.picture(ShapesDataset.Split.TRAIN, 0);
        assertEquals("circle", circle.className());
        double along = 0;
        double across = 0;
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x + 1 < 128; x++) {
                if (!circle.inBox(x, y) && !circle.inBox(x + 1, y) && !circle.inBox(x, y + 1)) {
                    along += Math.abs(value(circle, x + 1, y) - value(circle, x, y));
                    across += Math.abs(value(circle, x, y + 1) - value(circle, x, y));
                }
            }
        }
        assertTrue(across > 2 * along, "stripes run across: along " + along + ", across " + across);
    }

    private static int value(ShapesDataset.Sample s, int x, int y) {
        int p = 3 * (y * s.size() + x);
        return (s.rgb()[p] & 0xff) + (s.rgb()[p + 1] & 0xff) + (s.rgb()[p + 2] & 0xff);
    }
}
