package io.gradcam4j.keras;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.errors.Gradcam4jException;
import io.gradcam4j.engine.errors.InvalidRequestException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A model in Keras's v3 format ({@code model.save("m.keras")}, the default since Keras 3): a zip
 * archive ({@link KerasArchive}) holding {@code metadata.json} (the Keras version),
 * {@code config.json} (the architecture, checked by {@link Keras3Config} and built by
 * {@link ModelConfigReader}) and {@code model.weights.h5} (the variables, placed by
 * {@link Keras3Weights}). Also a Keras 3 weights file alone ({@code model.save_weights}) put on an
 * architecture given as a config, whole or in shards ({@link ShardedWeightsIndex}). See
 * keras/src/saving/saving_lib.py.
 */
final class KerasV3File {
    static final String CONFIG = "config.json";
    static final String METADATA = "metadata.json";
    static final String WEIGHTS = "model.weights.h5";

    /** A model's config is text: the largest keras.applications config is a few MB. */
    private static final long MAX_CONFIG_BYTES = 64L << 20;
    private static final long MAX_METADATA_BYTES = 1L << 20;
    /** The weights are read by the HDF5 reader as one buffer (int-indexed). */
    private static final long MAX_WEIGHTS_BYTES = Integer.MAX_VALUE - 8L;
    /**
     * What a weights file alone or an archive without {@code metadata.json} is taken for: Keras 3
     * (Keras's own loader does not read the metadata; the v3 format is Keras 3's default).
     */
    static final KerasOrigin ASSUMED_ORIGIN = new KerasOrigin("3.0.0", null);

    private static final ObjectMapper JSON = new ObjectMapper();

    private KerasV3File() {
    }

    /**
     * The model in a {@code .keras} archive.
     *
     * @param archive  the whole file
     * @param file     its name, for messages
     * @param supplied Java ops for Lambda and custom-class layers, by layer name
     */
    static KerasModel load(ByteBuffer archive, String file, Map<String, Op> supplied) {
        KerasArchive zip = KerasArchive.read(archive, file);
        KerasOrigin origin = zip.has(METADATA) ? origin(json(zip, METADATA, MAX_METADATA_BYTES, file), file)
                : ASSUMED_ORIGIN;
        if (!zip.has(CONFIG)) {
            throw new CorruptModelFileException(file, null, "this zip archive has no " + CONFIG + ", so it is not a "
                    + "Keras model archive (it holds " + zip.names() + ")");
        }
        JsonNode config = json(zip, CONFIG, MAX_CONFIG_BYTES, file);
        Keras3Config.check(config, supplied.keySet(), file);
        ByteBuffer weights = zip.read(weightsMember(zip, file), MAX_WEIGHTS_BYTES);
        return build(weights, file + " (" + WEIGHTS + ")", config, origin, supplied);
    }

    /**
     * A Keras 3 weights file alone ({@code model.save_weights("m.weights.h5")}), on the
     * architecture {@code config} ({@code model.to_json()}, an archive's config.json).
     */
    static KerasModel loadWeights(ByteBuffer weights, String file, JsonNode config, Map<String, Op> supplied) {
        requireModelConfig(config, file);
        Keras3Config.check(config, supplied.keySet(), file);
        return build(weights, file, config, ASSUMED_ORIGIN, supplied);
    }

    private static void requireModelConfig(JsonNode config, String file) {
        if (config == null || !ModelConfigReader.isModel(config)) {
            throw new InvalidRequestException("the architecture given for " + file + " is not a Keras model config "
                    + "({\"class_name\": \"Sequential\" or \"Functional\", \"config\": {...}}, as model.to_json() "
                    + "or an archive's config.json): " + abbreviated(config));
        }
    }

    private static String abbreviated(JsonNode node) {
        String text = String.valueOf(node);
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }

    /** Which member holds the weights: Keras 3 writes model.weights.h5, or (optionally) .npz or shards. */
    private static String weightsMember(KerasArchive zip, String file) {
        if (zip.has(WEIGHTS)) {
            return WEIGHTS;
        }
        if (zip.has("model.weights.npz") || zip.has("model.weights.json")) {
            throw new UnsupportedKerasFeatureException(file + ": the archive keeps its weights in "
                    + (zip.has("model.weights.npz") ? "model.weights.npz (weights_format=\"npz\")"
                    : "shards (model.weights.json)") + "; only " + WEIGHTS + " is supported");
        }
        throw new CorruptModelFileException(file, null, "the archive has no " + WEIGHTS + " (it holds "
                + zip.names() + ")");
    }

    /** Builds the model while the weights file is open; errors name the file, as the .h5 loader's do. */
    private static KerasModel build(ByteBuffer weights, String weightsFile, JsonNode config, KerasOrigin origin,
                                    Map<String, Op> supplied) {
        return KerasH5File.read(weights, weightsFile, reader -> {
            reader.checkNotTruncated();
            return build(weightsFile, config, origin, supplied, layers -> Keras3Weights.of(reader, config, layers));
        });
    }

    /**
     * Sharded weights ({@code model.save_weights("m.weights.json", max_shard_size=...)}): the
     * index ({@link ShardedWeightsIndex}) and its shards, all open while the model is built, on
     * the architecture {@code config}.
     */
    static KerasModel loadSharded(Path index, JsonNode config, Map<String, Op> supplied) throws IOException {
        String file = index.toString();
        requireModelConfig(config, file);
        ShardedWeightsIndex shards = ShardedWeightsIndex.read(index);
        Keras3Config.check(config, supplied.keySet(), file);
        List<String> names = shards.shards();
        List<ByteBuffer> buffers = new ArrayList<>();
        for (String name : names) {
            buffers.add(KerasModelFile.map(shards.resolve(index, name)));
        }
        Map<String, KerasH5File.Reader> open = new HashMap<>();
        Keras3Weights.VarsFiles files = new Keras3Weights.VarsFiles() {
            @Override
            public List<KerasH5File.Reader> holding(String varsPath) {
                return shards.shardsOf(varsPath).stream().map(open::get).toList();
            }

            @Override
            public String describe() {
                return file;
            }
        };
        return openShards(index, names, buffers, open, () -> build(file, config, ASSUMED_ORIGIN, supplied,
                layers -> Keras3Weights.of(files, config, layers)));
    }

    /** Opens shard {@code open.size()} and the ones after it, then builds (each HDF5 file is closed after). */
    private static KerasModel openShards(Path index, List<String> names, List<ByteBuffer> buffers,
                                         Map<String, KerasH5File.Reader> open, Supplier<KerasModel> build) {
        int i = open.size();
        if (i == names.size()) {
            return build.get();
        }
        // a shard's errors name the index too: that is the file the user gave
        String shard = index.resolveSibling(names.get(i)) + " (a shard of " + index.getFileName() + ")";
        return KerasH5File.read(buffers.get(i), shard, reader -> {
            reader.checkNotTruncated();
            open.put(names.get(i), reader);
            return openShards(index, names, buffers, open, build);
        });
    }

    private static KerasModel build(String weightsFile, JsonNode config, KerasOrigin origin, Map<String, Op> supplied,
                                    Function<KerasLayers, LayerWeightSource> weights) {
        KerasLayers layers = new KerasLayers(origin);
        supplied.forEach(layers::withLambda);
        try {
            return new ModelConfigReader(layers, weights.apply(layers)).readModel(config);
        } catch (CorruptModelFileException e) {
            throw e;
        } catch (KerasFormatException | UnsupportedKerasFeatureException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            throw KerasFormatException.reworded(e, message.contains(weightsFile) ? message
                    : weightsFile + ": " + message);
        } catch (Gradcam4jException e) {
            throw e;
        } catch (RuntimeException e) {
            // A config that parses but holds values the layer builders did not expect.
            throw new KerasFormatException(weightsFile + ": " + CONFIG + ": cannot build the model from it ("
                    + KerasH5File.describe(e) + ")", e);
        } catch (StackOverflowError e) {
            throw new KerasFormatException(weightsFile + ": " + CONFIG + ": the model nests too deeply to be "
                    + "built (or refers to itself)", e);
        }
    }

    /** The Keras version from metadata.json: tf.keras 2.13+ (Keras 2 semantics) or Keras 3. */
    private static KerasOrigin origin(JsonNode metadata, String file) {
        JsonNode version = metadata.get("keras_version");
        if (version == null) {
            return ASSUMED_ORIGIN;
        }
        String v = version.asText();
        int major = v.matches("\\d{1,3}(\\..*)?") ? Integer.parseInt(v.split("\\.")[0]) : -1;
        if (!version.isTextual() || major < 2) {
            throw new CorruptModelFileException(file, "zip member " + METADATA, "gives keras_version " + version
                    + ": .keras archives are written by tf.keras 2.13 and later or Keras 3");
        }
        return new KerasOrigin(v, null);
    }

    /** A JSON member, parsed; it must hold an object. */
    private static JsonNode json(KerasArchive zip, String member, long maxBytes, String file) {
        ByteBuffer content = zip.read(member, maxBytes);
        byte[] bytes = new byte[content.remaining()];
        content.duplicate().get(bytes);
        String object = "zip member " + member;
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new CorruptModelFileException(file, object, "is not valid JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()), e);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            throw new CorruptModelFileException(file, object, "is not valid JSON (" + KerasH5File.describe(e) + ")", e);
        }
        if (node == null || !node.isObject()) {
            throw new CorruptModelFileException(file, object, "should hold a JSON object but holds "
                    + (node == null ? "nothing" : node.getNodeType()));
        }
        return node;
    }
}
