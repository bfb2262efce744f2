package io.gradcam4j.cli;

import io.gradcam4j.cam.ImageLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Batches of images are cut by size as well as by count, so that a folder of large photos never
 * holds sixteen originals at once; sizes are read from the headers, without decoding.
 */
class BatchPlanTest {
    @TempDir
    Path tmp;

    private ImageInputs.ImageInput png(String name, int w, int h) throws IOException {
        Path p = tmp.resolve(name + ".png");
        ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png", p.toFile());
        return new ImageInputs.ImageInput(p, name);
    }

    @Test
    void headersGiveTheSizeAndBatchesStopAtThePixelBudget() throws IOException {
        List<ImageInputs.ImageInput> in = new ArrayList<>();
        in.add(png("a", 100, 100));      // 10,000 pixels
        in.add(png("b", 100, 100));
        in.add(png("c", 300, 100));      // 30,000: alone over the budget, still a batch of its own
        in.add(png("d", 50, 100));
        Path text = tmp.resolve("e.png");
        Files.writeString(text, "not an image");
        in.add(new ImageInputs.ImageInput(text, "e"));

        assertEquals(30_000, ImageLoader.declaredPixels(in.get(2).path()));
        assertEquals(0, ImageLoader.declaredPixels(text), "unreadable: loading it will say why");

        long budget = 25_000;
        assertEquals(2, ExplainCommand.lastOfBatch(in, 0, 16, budget), "a and b; c would pass the budget");
        assertEquals(3, ExplainCommand.lastOfBatch(in, 2, 16, budget), "c alone");
        assertEquals(5, ExplainCommand.lastOfBatch(in, 3, 16, budget), "d and the unreadable e");
        assertEquals(1, ExplainCommand.lastOfBatch(in, 0, 1, Long.MAX_VALUE), "the count still caps the batch");
        assertEquals(5, ExplainCommand.lastOfBatch(in, 0, 16, Long.MAX_VALUE), "no budget: all five");
    }
}
