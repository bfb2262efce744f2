package io.gradcam4j.cam;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Class names by index. From a text file with one label per line, or a Keras class index JSON
 * ({@code {"0": ["n01440764", "tench"], ...}}, the format of keras.applications'
 * imagenet_class_index.json); the 1000 ImageNet labels are bundled (same mapping as Keras's file,
 * taken from the public repository sarwojowo/KerasProject, commit 396949a7, and checked equal in
 * mapping to ../shared/corpus/imagenet_class_index.json), so an air-gapped user needs no download.
 */
public final class Labels {
    private static final Pattern KERAS_ENTRY = Pattern.compile("\"(\\d+)\"\\s*:\\s*\\[\\s*\"([^\"]*)\"\\s*,\\s*\"([^\"]*)\"\\s*\\]");

    private final List<String> names;

    private Labels(List<String> names) {
        this.names = List.copyOf(names);
    }

    public static Labels of(List<String> names) {
        return new Labels(names);
    }

    /** The ImageNet classes in Keras's order, short names as decode_predictions prints them. */
    public static Labels imagenet() {
        try (InputStream in = Labels.class.getResourceAsStream("imagenet_class_index.json")) {
            if (in == null) {
                throw new IllegalStateException("imagenet_class_index.json is missing from the gradcam jar");
            }
            return parseKerasIndex(new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled ImageNet index");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One label per line, or a Keras JSON class index (a file whose content starts with '{'). */
    public static Labels read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.stripLeading().startsWith("{")) {
            return parseKerasIndex(text, file.toString());
        }
        List<String> names = new ArrayList<>();
        for (String line : text.split("\\R")) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        if (names.isEmpty()) {
            throw new IOException(file + " holds no labels");
        }
        return new Labels(names);
    }

    private static Labels parseKerasIndex(String json, String source) throws IOException {
        java.util.Map<Long, String> byIndex = new java.util.HashMap<>();
        Matcher m = KERAS_ENTRY.matcher(json);
        while (m.find()) {
            // indices are checked against the number of entries before any list is grown to them:
            // {"2000000000": [...]} is one entry, not two billion
            byIndex.put(parseIndex(m.group(1), source), m.group(3));
        }
        List<String> names = new ArrayList<>();
        for (long i = 0; i < byIndex.size(); i++) {
            names.add(byIndex.get(i));
        }
        if (names.isEmpty() || names.contains(null)) {
            throw new IOException(source + " is not a Keras class index ({\"0\": [\"id\", \"name\"], ...}) covering 0..n-1");
        }
        return new Labels(names);
    }

    private static long parseIndex(String digits, String source) throws IOException {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IOException(source + ": class index " + digits + " is too large");
        }
    }

    public int size() {
        return names.size();
    }

    /** The name of class {@code i}, or its number when there is no such label. */
    public String name(int i) {
        return i >= 0 && i < names.size() ? names.get(i) : Integer.toString(i);
    }

    /** The class of a label, case-insensitively; a clear error lists a few valid labels otherwise. */
    public int indexOf(String label) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(label)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no class is labelled '" + label + "'; labels include: "
                + String.join(", ", names.subList(0, Math.min(10, names.size())))
                + (names.size() > 10 ? ", ... (" + names.size() + " in all)" : ""));
    }

    /** A label made safe for file names: {@code great_white_shark}, {@code Cat}. */
    public String fileSafe(int i) {
        return name(i).replaceAll("[^A-Za-z0-9_.-]+", "_").toLowerCase(Locale.ROOT);
    }
}
