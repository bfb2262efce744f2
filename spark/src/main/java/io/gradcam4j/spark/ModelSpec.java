package io.gradcam4j.spark;

import io.gradcam4j.engine.errors.InvalidRequestException;
import io.gradcam4j.keras.applications.Applications;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which model to explain with, as the driver resolved it and every executor loads it: the
 * {@code model} parameter (a Keras {@code .h5}/{@code .keras} file, a demo model's JSON record
 * such as {@code demo.json}, or a keras.applications name), the optional weights, labels and
 * preprocessing, and the SHA-256 of the file the weights come from, computed once on the driver.
 * The digest is the key of {@link ExecutorModels}: an executor loads each model once, and
 * refuses a file at the same path whose content differs from the driver's.
 *
 * @param model what the {@code model} parameter says
 * @param kind how {@code model} is read
 * @param weightsFile the file the weights come from: the model file itself, the file a record
 *     names, an application's {@code weights} file; {@code null} for seeded weights
 * @param sha256 hex digest of {@code weightsFile}, or {@code seeded:NAME} for seeded weights
 * @param weights the {@code weights} parameter ({@code none} or a file), applications only
 * @param labels a labels file (one name a line, or a Keras class index JSON), or {@code null}
 * @param preprocess caffe, tf, torch or none; {@code null} for the model's own
 */
public record ModelSpec(String model, Kind kind, String weightsFile, String sha256, String weights, String labels,
                        String preprocess) implements Serializable {

    /** How the {@code model} parameter is read. */
    public enum Kind { FILE, RECORD, APPLICATION }

    /** The {@code weights} value that asks for seeded values (Keras's {@code weights=None}). */
    public static final String NO_WEIGHTS = "none";

    /**
     * Resolves the parameters on the driver, which must see the files (as {@code spark-submit}'s
     * driver does for the paths it is given): the kind, the weights file and its digest.
     */
    public static ModelSpec resolve(String model, String weights, String labels, String preprocess) throws IOException {
        if (model == null || model.isBlank()) {
            throw new InvalidRequestException("the model parameter is empty: give a .h5 or .keras file, a demo model's "
                    + "JSON record (demo.json) or an application name (" + Applications.NAMES + ")");
        }
        Path local = ModelFiles.localPath(model);
        String lower = model.toLowerCase(Locale.ROOT);
        Kind kind = lower.endsWith(".json") ? Kind.RECORD
                : java.nio.file.Files.exists(local) || lower.matches(".*\\.(h5|hdf5|keras)") ? Kind.FILE
                : Kind.APPLICATION;
        if (kind != Kind.APPLICATION && weights != null) {
            throw new InvalidRequestException("weights goes with an application name (" + Applications.NAMES
                    + "), not with " + model + ", which holds its own weights");
        }
        String weightsFile = switch (kind) {
            case FILE -> local.toAbsolutePath().normalize().toString();
            case RECORD -> DemoRecord.read(local).modelFile().toString();
            case APPLICATION -> {
                Applications.byName(model);   // an unknown name is refused here, on the driver
                if (weights == null) {
                    throw new InvalidRequestException("application " + model + ": give weights=FILE.h5 (the "
                            + "keras.applications layout, on a path the executors see) or weights=none (seeded "
                            + "values); executors do not download weights");
                }
                yield NO_WEIGHTS.equalsIgnoreCase(weights) ? null
                        : ModelFiles.localPath(weights).toAbsolutePath().normalize().toString();
            }
        };
        if (kind != Kind.APPLICATION) {
            model = local.toAbsolutePath().normalize().toString();   // executors do not share the driver's folder
        }
        if (labels != null) {
            labels = ModelFiles.localPath(labels).toAbsolutePath().normalize().toString();
        }
        String digest = weightsFile == null ? "seeded:" + model.toLowerCase(Locale.ROOT)
                : ModelFiles.sha256(ModelFiles.requireFile(Path.of(weightsFile)));
        return new ModelSpec(model, kind, weightsFile, digest, weights, labels, preprocess);
    }

    /** What makes two loaded models interchangeable: the weights' content and how images and classes are read. */
    String cacheKey() {
        return kind + "|" + sha256 + "|" + (kind == Kind.APPLICATION ? model.toLowerCase(Locale.ROOT) : "") + "|"
                + labels + "|" + preprocess;
    }
}
