package io.gradcam4j.cam;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damaged, truncated, unsupported and missing image files: each refused with a message that
 * says which and why (Pillow refuses a PNG with a bad CRC; ImageIO alone would decode it).
 */
class DamagedImageTest {
    private static final ImageLoader.Options OPTIONS = new ImageLoader.Options(8, 8, 3, ImageLoader.Interpolation.NEAREST, false);

    @TempDir
    Path tmp;

    private Path goodPng() throws IOException {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 16; i++) {
            img.setRGB(i, i, 0xff8040);
        }
        Path f = tmp.resolve("good.png");
        ImageIO.write(img, "png", f.toFile());
        return f;
    }

    private String refusal(Path f) {
        return assertThrows(Exception.class, () -> ImageLoader.load(f, OPTIONS)).getMessage();
    }

    /** The kind of a refusal from the project's own exceptions (gradcam4j's error root). */
    private io.gradcam4j.engine.errors.Gradcam4jException.Kind kind(Path f) {
        return assertThrows(io.gradcam4j.engine.errors.Gradcam4jException.class, () -> ImageLoader.load(f, OPTIONS)).kind();
    }

    @Test
    void aGoodPngLoads() throws IOException {
        ImageLoader.load(goodPng(), OPTIONS);
    }

    @Test
    void aFlippedByteFailsTheCrcCheck() throws IOException {
        byte[] png = Files.readAllBytes(goodPng());
        png[png.length - 20] ^= 0x10;   // inside the IDAT data
        Path f = tmp.resolve("bad_crc.png");
        Files.write(f, png);
        String m = refusal(f);
        assertTrue(m.contains("damaged") && m.contains("CRC"), m);
        assertTrue(kind(f) == io.gradcam4j.engine.errors.Gradcam4jException.Kind.DAMAGED_INPUT);
    }

    @Test
    void aTruncatedPngSaysSo() throws IOException {
        byte[] png = Files.readAllBytes(goodPng());
        Path f = tmp.resolve("truncated.png");
        Files.write(f, java.util.Arrays.copyOf(png, png.length - 30));
        String m = refusal(f);
        assertTrue(m.contains("truncated") && !m.contains("readRaster"), m);
    }

    @Test
    void otherFormatsAreRefusedByName() throws IOException {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (String format : new String[] {"gif", "bmp"}) {
            Path f = tmp.resolve("image." + format);
            ImageIO.write(img, format, f.toFile());
            String m = refusal(f);
            assertTrue(m.contains(format.toUpperCase()) && m.contains("JPEG and PNG"), m);
            assertTrue(kind(f) == io.gradcam4j.engine.errors.Gradcam4jException.Kind.UNSUPPORTED);
        }
    }

    @Test
    void missingFilesAndFoldersSayWhy() throws IOException {
        assertThrows(IOException.class, () -> ImageLoader.load(tmp.resolve("nope.png"), OPTIONS));   // an I/O error
        String missing = refusal(tmp.resolve("nope.png"));
        assertTrue(missing.endsWith("nope.png: not found"), missing);
        Path folder = Files.createDirectory(tmp.resolve("folder.png"));
        String dir = refusal(folder);
        assertTrue(dir.contains("is a folder"), dir);
    }
}
