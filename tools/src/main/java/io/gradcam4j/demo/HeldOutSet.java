package io.gradcam4j.demo;

import io.gradcam4j.cam.ImageLoader;
import io.gradcam4j.engine.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder of labelled pictures with object masks, as {@code testdata/shapes} holds them:
 * {@code <dir>/<class>/<name>.png} and the mask {@code <dir>-masks/<class>/<name>.png} (8-bit gray,
 * 255 on the object, 0 on the background), the class folders named as {@link ShapesDataset#CLASSES}.
 *
 * <p>Pictures are loaded exactly as the command line loads them for a model ({@link ImageLoader},
 * Keras's {@code load_img} with a nearest-neighbour resize to the model's input, no
 * preprocessing: the demo models rescale inside), so a figure measured here is what
 * {@code gradcam explain} would show. Masks stay at the picture's own size.
 */
public final class HeldOutSet {
    /** One picture: its class, the model's input, and the mask at the picture's size. */
    public record Item(Path file, int label, Tensor input, boolean[] mask, int width, int height) {
        public String className() {
            return ShapesDataset.CLASSES.get(label);
        }
    }

    private final Path dir;
    private final List<Item> items;

    private HeldOutSet(Path dir, List<Item> items) {
        this.dir = dir;
        this.items = items;
    }

    /** The folder next to {@code dir} that holds its masks: {@code heldout} -> {@code heldout-masks}. */
    public static Path masksOf(Path dir) {
        return dir.resolveSibling(dir.getFileName() + "-masks");
    }

    /**
     * Loads every {@code <class>/*.png} of {@code dir} for a model of {@code inputSize x inputSize}
     * RGB. A picture without its mask, or a mask of another size, is an error: a figure over a
     * silently smaller set would mislead.
     */
    public static HeldOutSet load(Path dir, int inputSize) throws IOException {
        Path masks = masksOf(dir);
        ImageLoader.Options options = new ImageLoader.Options(inputSize, inputSize, 3, ImageLoader.Interpolation.NEAREST,
                false);
        List<Item> items = new ArrayList<>();
        for (int label = 0; label < ShapesDataset.CLASSES.size(); label++) {
            Path classDir = dir.resolve(ShapesDataset.CLASSES.get(label));
            if (!Files.isDirectory(classDir)) {
                continue;
            }
            List<Path> files;
            try (Stream<Path> s = Files.list(classDir)) {
                files = s.filter(p -> p.getFileName().toString().endsWith(".png")).sorted().toList();
            }
            for (Path file : files) {
                ImageLoader.LoadedImage image = ImageLoader.load(file, options);
                Path maskFile = masks.resolve(dir.relativize(file));
                if (!Files.isRegularFile(maskFile)) {
                    throw new IOException("no mask " + maskFile + " for " + file);
                }
                int w = image.original().getWidth();
                int h = image.original().getHeight();
                items.add(new Item(file, label, image.pixels(), readMask(maskFile, w, h), w, h));
            }
        }
        if (items.isEmpty()) {
            throw new IOException("no pictures in " + dir + " (expected <class>/*.png for the classes "
                    + ShapesDataset.CLASSES + ")");
        }
        return new HeldOutSet(dir, List.copyOf(items));
    }

    private static boolean[] readMask(Path file, int width, int height) throws IOException {
        // One channel at the picture's own size: no resize, the mask is compared pixel by pixel.
        ImageLoader.LoadedImage m = ImageLoader.load(file, new ImageLoader.Options(height, width, 1,
                ImageLoader.Interpolation.NEAREST, false));
        if (m.original().getWidth() != width || m.original().getHeight() != height) {
            throw new IOException("mask " + file + " is " + m.original().getWidth() + "x" + m.original().getHeight()
                    + ", its picture " + width + "x" + height);
        }
        float[] v = m.pixels().data();
        boolean[] mask = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            mask[i] = v[i] >= 128;
        }
        return mask;
    }

    public Path dir() {
        return dir;
    }

    public List<Item> items() {
        return items;
    }

    public int size() {
        return items.size();
    }
}
