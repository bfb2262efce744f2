package io.gradcam4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** The images named on the command line, folders expanded to their JPEG and PNG files (sorted). */
final class ImageInputs {
    private ImageInputs() {
    }

    static List<Path> expand(List<Path> args) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : args) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> files = Files.list(p)) {
                    files.filter(ImageInputs::looksLikeImage).sorted().forEach(out::add);
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    private static boolean looksLikeImage(Path p) {
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
