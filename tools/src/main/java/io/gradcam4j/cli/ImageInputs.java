package io.gradcam4j.cli;

import io.gradcam4j.engine.errors.InvalidRequestException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The images named on the command line: folders expanded recursively to their JPEG and PNG files
 * (sorted), each with the name its outputs take — its path relative to the deepest folder that
 * holds every input, without the extension. So {@code explain data} over {@code data/square/000.png}
 * and {@code data/triangle/000.png} writes {@code square/000.json} and {@code triangle/000.json}
 * under {@code --out} instead of one {@code 000.json} twice, and a single image keeps its plain stem.
 */
final class ImageInputs {
    private ImageInputs() {
    }

    /** One image to read and the name of its outputs ({@code square/000}). */
    record ImageInput(Path path, String name) {
    }

    /**
     * @throws InvalidRequestException when a folder given holds no image at all (its subfolders
     *     searched too): a mistyped path must not pass silently
     */
    static List<ImageInput> expand(List<Path> args) throws IOException {
        Set<Path> files = new LinkedHashSet<>();
        for (Path p : args) {
            if (Files.isDirectory(p)) {
                List<Path> found = imagesUnder(p);
                if (found.isEmpty()) {
                    throw new InvalidRequestException("the folder " + p + " holds no JPEG or PNG image (its subfolders "
                            + "searched too)");
                }
                files.addAll(found);
            } else {
                files.add(p);   // a missing file fails later as that image's failure, saying "not found"
            }
        }
        Path common = commonFolder(files);
        List<ImageInput> out = new ArrayList<>();
        for (Path f : files) {
            out.add(new ImageInput(f, name(common, f)));
        }
        return out;
    }

    static List<Path> imagesUnder(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(ImageInputs::looksLikeImage).sorted().toList();
        }
    }

    /** The deepest folder that holds every file (null when they share none, e.g. other drives). */
    private static Path commonFolder(Set<Path> files) {
        Path common = null;
        for (Path f : files) {
            Path parent = f.toAbsolutePath().normalize().getParent();
            if (common == null) {
                common = parent;
            }
            while (common != null && !parent.startsWith(common)) {
                common = common.getParent();
            }
        }
        return common;
    }

    private static String name(Path common, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path rel = common != null ? common.relativize(abs) : abs.getFileName();
        String n = rel.toString().replace('\\', '/');
        int dot = n.lastIndexOf('.');
        return dot > n.lastIndexOf('/') + 1 ? n.substring(0, dot) : n;
    }

    static boolean looksLikeImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p) && (n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png"));
    }

    /** An .npy input as a batch of one: (H, W, C) becomes (1, H, W, C). */
    static io.gradcam4j.engine.Tensor batched(io.gradcam4j.engine.Tensor x) {
        return x.rank() == 3 ? x.reshape(1, x.dim(0), x.dim(1), x.dim(2)) : x;
    }

    /** The file name without its extension. */
    static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
