package io.gradcam4j.cam.audit;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The true class an image's folder names, by Keras's {@code image_dataset_from_directory}
 * convention as {@code gradcam audit} reads it: a folder names a class when it equals one of the
 * model's labels (case aside) or is a class index below the number of classes. Shared by the
 * command line's audit and the Spark audit, so both read a collection the same way.
 */
public final class ClassFolders {
    private final Map<String, Integer> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final int classes;

    /**
     * @param classes the model's number of classes
     * @param label the model's name for a class index
     */
    public ClassFolders(int classes, IntFunction<String> label) {
        this.classes = classes;
        for (int c = 0; c < classes; c++) {
            byName.putIfAbsent(label.apply(c), c);   // the first class of a repeated name wins
        }
    }

    /** The class {@code folder} names, or {@code null} when it names none of the model's classes. */
    public Integer classOf(String folder) {
        Integer c = byName.get(folder.toLowerCase(Locale.ROOT));
        if (c != null) {
            return c;
        }
        if (folder.matches("[0-9]{1,9}") && Integer.parseInt(folder) < classes) {
            return Integer.parseInt(folder);
        }
        return null;
    }

    /**
     * The true class of the image at {@code relativePath} (with {@code /} separators) under the
     * collection's root: its first folder's class; {@code null} for an image directly in the root
     * or in a folder that names no class.
     */
    public Integer classOfPath(String relativePath) {
        int slash = relativePath.indexOf('/');
        return slash <= 0 ? null : classOf(relativePath.substring(0, slash));
    }
}
