package io.gradcam4j.keras;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The index of sharded Keras 3 weights ({@code model.save_weights("m.weights.json", max_shard_size=...)},
 * Keras's {@code ShardedH5IOStore}):
 * <pre>{"metadata": {"total_size": 1234.0},
 *  "weight_map": {"/layers/conv2d/vars": "m_00000.weights.h5",
 *                 "/layers/dense/vars": ["m_00000.weights.h5", "m_00001.weights.h5"]}}</pre>
 * Each {@code vars} group with variables names the shard, or the shards, holding them (a layer's
 * variables may straddle two shards); a group it does not name has no variables. The shards are
 * HDF5 files in the index's folder, each in the {@link Keras3Weights} layout.
 *
 * <p>Keras opens a shard with {@code path.with_name(filename)}, which refuses a name with a
 * separator. So does this class, and more: a shard must be a plain file name in the index's own
 * folder, reached without leaving it (no {@code ..}, no separator, no link out of the folder).
 * Anything else in the index that is not as Keras writes it is damage, reported naming the index.
 */
final class ShardedWeightsIndex {
    static final String SUFFIX = ".weights.json";
    /** An index is a few lines per layer; the largest keras.applications model has ~1,000 layers. */
    static final long MAX_INDEX_BYTES = 16L << 20;
    /** Shards are opened together; at Keras's default of 5 GB per shard this is 5 TB of weights. */
    static final int MAX_SHARDS = 1000;

    private final String file;
    /** Shard names by {@code vars} path, as the index gives them. */
    private final Map<String, List<String>> weightMap;

    private ShardedWeightsIndex(String file, Map<String, List<String>> weightMap) {
        this.file = file;
        this.weightMap = weightMap;
    }

    /** Reads and checks the index at {@code file}. */
    static ShardedWeightsIndex read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_INDEX_BYTES) {
            throw new CorruptModelFileException(file.toString(), null, "is " + size + " bytes, too large for the "
                    + "index of sharded weights (at most " + MAX_INDEX_BYTES + ")");
        }
        return parse(Files.readAllBytes(file), file.toString());
    }

    static ShardedWeightsIndex parse(byte[] bytes, String file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new CorruptModelFileException(file, null, "is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            throw new CorruptModelFileException(file, null, "is not valid JSON (" + KerasH5File.describe(e) + ")", e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new CorruptModelFileException(file, null, "has no \"weight_map\" object, so it is not the index of "
                    + "sharded Keras weights ({\"metadata\": ..., \"weight_map\": {\"/layers/dense/vars\": "
                    + "\"model_00000.weights.h5\", ...}})");
        }
        Map<String, List<String>> weightMap = new LinkedHashMap<>();
        Set<String> shards = new LinkedHashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<String> names = shardNames(e.getKey(), e.getValue(), file);
            weightMap.put(e.getKey(), names);
            shards.addAll(names);
        }
        if (shards.size() > MAX_SHARDS) {
            throw new UnsupportedKerasFeatureException(file + ": names " + shards.size() + " shards; at most "
                    + MAX_SHARDS + " are supported");
        }
        return new ShardedWeightsIndex(file, weightMap);
    }

    /** A weight_map value: one shard name or a non-empty list of them, each a plain file name. */
    private static List<String> shardNames(String vars, JsonNode value, String file) {
        List<String> names = new ArrayList<>();
        if (value.isTextual()) {
            names.add(value.asText());
        } else if (value.isArray() && !value.isEmpty()) {
            for (JsonNode v : value) {
                if (!v.isTextual()) {
                    throw damaged(file, vars, "lists " + v.getNodeType() + " among its shards, not a file name");
                }
                names.add(v.asText());
            }
        } else {
            throw damaged(file, vars, "should name a shard file or list them, but is " + abbreviated(value));
        }
        for (String name : names) {
            if (!isPlainFileName(name)) {
                throw damaged(file, vars, "names the shard '" + abbreviated(name) + "', which is not a file in the "
                        + "index's folder: refused (a shard is a plain file name beside the index, as Keras requires)");
            }
        }
        return names;
    }

    private static boolean isPlainFileName(String name) {
        return !name.isEmpty() && name.length() <= 255 && !name.equals(".") && !name.equals("..")
                && name.chars().noneMatch(c -> c == '/' || c == '\\' || c == 0 || c == ':');
    }

    private static CorruptModelFileException damaged(String file, String vars, String what) {
        return new CorruptModelFileException(file, "weight_map entry \"" + abbreviated(vars) + "\"", what);
    }

    private static String abbreviated(Object value) {
        String text = String.valueOf(value);
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }

    /** The shard names the index gives for {@code varsPath} ({@code /layers/dense/vars}); empty when none. */
    List<String> shardsOf(String varsPath) {
        return weightMap.getOrDefault(varsPath, List.of());
    }

    /** Every shard named, each once, in the order first named. */
    List<String> shards() {
        Set<String> all = new LinkedHashSet<>();
        weightMap.values().forEach(all::addAll);
        return List.copyOf(all);
    }

    /**
     * The shard's path beside {@code index}. Its real location (links followed) must be in the
     * index's real folder: a link out of the folder is refused as a name with a separator is.
     */
    Path resolve(Path index, String shard) throws IOException {
        Path folder = index.toAbsolutePath().getParent();
        Path path = folder.resolve(shard);
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "a shard that " + file + " names is missing");
        }
        if (!path.toRealPath().getParent().equals(folder.toRealPath())) {
            throw new CorruptModelFileException(file, "shard " + shard, "is a link out of the index's folder: refused");
        }
        return path;
    }

    String file() {
        return file;
    }
}
