package io.gradcam4j.demo;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes pictures of the Java generator ({@link ShapesDataset}, TEST split) with their masks in the
 * layout of {@code testdata/shapes} ({@link HeldOutSet}): {@code OUT/<class>/<NNN>.png} (128x128
 * RGB) and {@code OUT-masks/<class>/<NNN>.png} (8-bit gray, 255 on the object). The swapped set
 * that tells the shortcut model apart is made with
 * <pre>
 *   java -cp tools/target/gradcam.jar io.gradcam4j.demo.WriteShapesSet \
 *        --backdrop swapped --per-class 30 --seed 3 --out testdata/shapes/swapped
 * </pre>
 * Picture {@code NNN} of a class is TEST sample {@code 5 * NNN + class}. Deterministic.
 */
public final class WriteShapesSet {
    private WriteShapesSet() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("options are --name value pairs, got " + String.join(" ", args));
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        if (args.length % 2 != 0 || !o.containsKey("out")) {
            throw new IllegalArgumentException("usage: WriteShapesSet --out DIR [--backdrop clutter|shortcut|swapped] "
                    + "[--per-class 30] [--seed 3]");
        }
        Path out = Path.of(o.get("out"));
        ShapesDataset.Backdrop backdrop = ShapesDataset.Backdrop.valueOf(o.getOrDefault("backdrop", "swapped")
                .toUpperCase(Locale.ROOT));
        int perClass = Integer.parseInt(o.getOrDefault("per-class", "30"));
        long seed = Long.parseLong(o.getOrDefault("seed", "3"));
        long bytes = write(new ShapesDataset(seed, ShapesDataset.PICTURE_SIZE, backdrop), perClass, out);
        System.out.printf(Locale.ROOT, "wrote %d pictures and masks (%.2f MB) to %s and %s%n",
                perClass * ShapesDataset.CLASSES.size(), bytes / 1e6, out, HeldOutSet.masksOf(out));
    }

    /** Writes the set, replacing both folders; returns the bytes written. */
    static long write(ShapesDataset data, int perClass, Path out) throws IOException {
        Path masks = HeldOutSet.masksOf(out);
        deleteTree(out);
        deleteTree(masks);
        long bytes = 0;
        int classes = ShapesDataset.CLASSES.size();
        for (int k = 0; k < perClass; k++) {
            for (int c = 0; c < classes; c++) {
                ShapesDataset.Sample s = data.picture(ShapesDataset.Split.TEST, classes * k + c);
                String name = String.format(Locale.ROOT, "%03d.png", k);
                Path image = out.resolve(s.className()).resolve(name);
                Path mask = masks.resolve(s.className()).resolve(name);
                Files.createDirectories(image.getParent());
                Files.createDirectories(mask.getParent());
                ImageIO.write(s.image(), "png", image.toFile());
                ImageIO.write(s.maskImage(), "png", mask.toFile());
                bytes += Files.size(image) + Files.size(mask);
            }
        }
        return bytes;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
