package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.engine.Op;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Opens a Keras model file of either format Keras writes, told apart by the file's first bytes,
 * never by its name: a Keras v3 archive ({@code model.save("m.keras")}, a zip) or a legacy HDF5
 * file ({@code .h5}, or HDF5 named {@code .keras} by tf.keras 2.x). {@link KerasH5File#loadModel}
 * opens archives too, through this class.
 */
public final class KerasModelFile {
    /** The largest file mapped into one buffer (a ByteBuffer is int-indexed). */
    private static final long MAX_MAPPED = Integer.MAX_VALUE - 8L;

    private KerasModelFile() {
    }

    /**
     * Opens {@code file} and builds its model.
     *
     * @throws IOException when the file cannot be read (missing, no permission)
     * @throws KerasFormatException when its contents are damaged, not a Keras model we can build
     *     ({@link CorruptModelFileException} when the file itself is)
     * @throws UnsupportedKerasFeatureException when it is valid but beyond gradcam4j: a custom class,
     *     a Lambda, an HDF5 feature jHDF does not read
     * @throws io.gradcam4j.engine.errors.ResourceLimitException when an archive member would need
     *     more memory than allowed (a decompression bomb)
     */
    public static KerasModel loadModel(Path file) throws IOException {
        return loadModel(file, Map.of());
    }

    /**
     * As {@link #loadModel(Path)}, with Java implementations, by layer name, for the model's
     * {@code Lambda} layers and layers of custom classes (their Python code is never run; without
     * one, such a layer is refused, naming its class).
     */
    public static KerasModel loadModel(Path file, Map<String, Op> supplied) throws IOException {
        if (KerasFileFormat.of(file) != KerasFileFormat.KERAS_ARCHIVE) {
            return KerasH5File.loadModel(file, supplied);
        }
        return KerasV3File.load(map(file), file.toString(), supplied);
    }

    /** The model in {@code bytes}, the contents of a model file of either format; {@code name} is used in messages. */
    public static KerasModel loadModel(byte[] bytes, String name) {
        return KerasH5File.loadModel(bytes, name);
    }

    /**
     * A Keras 3 weights file ({@code model.save_weights("m.weights.h5")}), or the index of sharded
     * weights ({@code model.save_weights("m.weights.json", max_shard_size=...)}, its shards beside
     * it), on a known architecture:
     * a model config as Keras serializes it ({@code model.to_json()}, the {@code config.json} of an
     * archive, or {@link KerasModel#modelConfig()} of a model loaded before).
     */
    public static KerasModel loadWeights(Path weightsFile, JsonNode architecture) throws IOException {
        return loadWeights(weightsFile, architecture, Map.of());
    }

    /** As {@link #loadWeights(Path, JsonNode)}, with Java ops for Lambda and custom-class layers, by name. */
    public static KerasModel loadWeights(Path weightsFile, JsonNode architecture, Map<String, Op> supplied)
            throws IOException {
        if (isJson(weightsFile)) {
            return KerasV3File.loadSharded(weightsFile, architecture, supplied);
        }
        return KerasV3File.loadWeights(map(weightsFile), weightsFile.toString(), architecture, supplied);
    }

    /**
     * Keras 3 weights: the JSON index of shards, or an HDF5 file without the root attributes of
     * Keras 2's files ({@code layer_names} of save_weights, {@code model_config} of model.save). Anything else is left to the Keras 2 reader, which
     * explains what is wrong with it.
     */
    public static boolean isKeras3Weights(Path file) throws IOException {
        if (isJson(file)) {
            return true;
        }
        if (KerasFileFormat.of(file) != KerasFileFormat.HDF5 || Files.size(file) > Integer.MAX_VALUE - 8L) {
            return false;
        }
        return KerasH5File.read(map(file), file.toString(), r -> {
            var root = r.at("attributes of /", r.root()::getAttributes).keySet();
            return !root.contains("layer_names") && !root.contains("model_config");
        });
    }

    /** The index of sharded weights is JSON (an object); a weights file is HDF5. Decided by content, not name. */
    static boolean isJson(Path file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (!Character.isWhitespace(b)) {
                    return b == '{';
                }
            }
            return false;
        }
    }

    static ByteBuffer map(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_MAPPED) {
            throw new UnsupportedKerasFeatureException(file + ": Keras v3 files over 2 GiB are not supported ("
                    + size + " bytes)");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
    }
}
