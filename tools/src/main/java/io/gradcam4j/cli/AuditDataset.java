package io.gradcam4j.cli;

import io.gradcam4j.cam.audit.ClassFolders;
import io.gradcam4j.engine.errors.InvalidRequestException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The images of an audit and their true classes, by Keras's {@code image_dataset_from_directory}
 * convention: an image in a subfolder of the root belongs to the class that subfolder names
 * (images deeper down belong to the same class); an image directly in the root has no true
 * class. A folder names a class when it equals one of the model's labels (case aside) or is a
 * class index; a folder the model does not know is reported, and its images are audited without
 * a true class.
 */
final class AuditDataset {

    /** One image: its file, its name relative to the root ({@code square/000.png}), its true class or null. */
    record Entry(Path path, String name, Integer trueIndex) {
    }

    private final List<Entry> entries;
    private final Map<String, Integer> unknownFolders;

    private AuditDataset(List<Entry> entries, Map<String, Integer> unknownFolders) {
        this.entries = entries;
        this.unknownFolders = unknownFolders;
    }

    /**
     * @param classes the model's number of classes
     * @param label the model's name for a class index
     */
    static AuditDataset scan(Path root, int classes, IntFunction<String> label) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new InvalidRequestException("--images must be a folder of images, got " + root
                    + (Files.exists(root) ? " (a file)" : " (not found)"));
        }
        List<Path> files = ImageInputs.imagesUnder(root);
        if (files.isEmpty()) {
            throw new InvalidRequestException("the folder " + root + " holds no JPEG or PNG image (its subfolders "
                    + "searched too)");
        }
        ClassFolders folders = new ClassFolders(classes, label);
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> unknown = new TreeMap<>();
        for (Path f : files) {
            Path rel = root.relativize(f);
            Integer truth = null;
            if (rel.getNameCount() > 1) {
                String folder = rel.getName(0).toString();
                truth = folders.classOf(folder);
                if (truth == null) {
                    unknown.merge(folder, 1, Integer::sum);
                }
            }
            entries.add(new Entry(f, rel.toString().replace('\\', '/'), truth));
        }
        return new AuditDataset(entries, unknown);
    }

    List<Entry> entries() {
        return entries;
    }

    /** Subfolders whose name is no class of the model, with their number of images. */
    Map<String, Integer> unknownFolders() {
        return unknownFolders;
    }
}
