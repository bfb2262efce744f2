package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.engine.Tensor;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The weights of a Keras v3 {@code model.weights.h5} (inside a {@code .keras} archive, or written
 * alone by {@code model.save_weights("m.weights.h5")}). The file has no {@code layer_names} or
 * {@code weight_names}: a layer's place is computed from the model's structure, as Keras's
 * {@code saving_lib._save_container_state} does. A model's layers are saved under
 * {@code layers/}, each under the snake_case of its <b>class</b> name, with a counter per class
 * in {@code model.layers} order ({@code Conv2D} → {@code conv2d}, {@code conv2d_1}, ...);
 * a nested model's layers under {@code <its place>/layers/}; a layer's variables are the
 * datasets {@code <place>/vars/0, 1, ...}, its trainable variables first, then the others, each in
 * creation order: for every class {@link KerasLayers} builds that is Keras's weight order.
 *
 * <p>Variants handled, as Keras's own {@code H5IOStore.get} handles them or should:
 * <ul>
 *   <li>archives written on Windows by tf.keras name a group with backslashes, as one HDF5 name at
 *       the root ({@code layers\sequential\layers\conv2d}); a name is split at {@code \} too;</li>
 *   <li>tf.keras 2.13 wrote {@code _layer_checkpoint_dependencies} where later versions write
 *       {@code layers};</li>
 *   <li>Keras 3.10 and later write the layer's name as a {@code name} attribute of its
 *       {@code vars} group: it must be the name the config gives the layer at that place.</li>
 * </ul>
 * Refused as Keras refuses them: soft and external links, and datasets stored outside the file
 * (external storage, virtual datasets: {@link KerasH5File#jhdfFailure}); every dataset also gets
 * the HDF5 reader's size and finiteness checks ({@link KerasH5File.Reader#toTensor}).
 */
final class Keras3Weights implements LayerWeightSource {
    private static final Pattern KERAS3_WORD = Pattern.compile("(.)([A-Z][a-z]+)");
    private static final Pattern TF_KERAS_WORD = Pattern.compile("(.)([A-Z][a-z0-9]+)");
    private static final Pattern LOWER_UPPER = Pattern.compile("([a-z])([A-Z])");
    private static final String LEGACY_LAYERS = "_layer_checkpoint_dependencies";

    /** The file (or, for sharded weights, the shards) holding a {@code vars} group's variables. */
    interface VarsFiles {
        List<KerasH5File.Reader> holding(String varsPath);

        /** What messages call the weights when no one file is to blame. */
        String describe();

        static VarsFiles single(KerasH5File.Reader reader) {
            return new VarsFiles() {
                @Override
                public List<KerasH5File.Reader> holding(String varsPath) {
                    return List.of(reader);
                }

                @Override
                public String describe() {
                    return reader.file();
                }
            };
        }
    }

    private final VarsFiles files;
    private final KerasLayers layers;
    /** The container's own place, e.g. {@code []} for the model, {@code [layers, sequential]} for a nested one. */
    private final List<String> container;
    private final Map<String, JsonNode> layerByName = new HashMap<>();
    private final Map<String, String> placeByName = new HashMap<>();
    /** Which file each dataset collected is in: its values are read through that file's reader. */
    private final Map<Dataset, KerasH5File.Reader> readers = new java.util.IdentityHashMap<>();

    private Keras3Weights(VarsFiles files, KerasLayers layers, List<String> container, JsonNode model) {
        this.files = files;
        this.layers = layers;
        this.container = container;
        Map<String, Integer> used = new HashMap<>();
        boolean keras3 = layers.origin().isKeras3();
        for (JsonNode layer : ModelConfigReader.layersOf(model)) {
            String name = layer.path("config").path("name").asText(layer.path("name").asText());
            String cls = layer.path("class_name").asText();
            // Keras 3 rebuilds a Keras 2 "Model" config as a Functional, and saves it under that class
            String snake = snakeCase(keras3 && cls.equals("Model") ? "Functional" : cls, keras3);
            int count = used.merge(snake, 1, Integer::sum) - 1;
            layerByName.putIfAbsent(name, layer);
            placeByName.putIfAbsent(name, count == 0 ? snake : snake + "_" + count);
        }
    }

    /** The weights of {@code model} (the top of config.json) in the file that {@code reader} has open. */
    static Keras3Weights of(KerasH5File.Reader reader, JsonNode model, KerasLayers layers) {
        return of(VarsFiles.single(reader), model, layers);
    }

    /** The weights of {@code model} in several files: the shards of sharded weights. */
    static Keras3Weights of(VarsFiles files, JsonNode model, KerasLayers layers) {
        return new Keras3Weights(files, layers, List.of(), model);
    }

    @Override
    public List<Tensor> weightsOf(String layerName) {
        JsonNode layer = layerByName.get(layerName);
        if (layer == null) {
            return List.of();
        }
        List<String> vars = place(layerName);
        vars.add("vars");
        String path = "/" + String.join("/", vars);
        Map<String, Dataset> found = new HashMap<>();
        boolean anyGroup = false;
        KerasH5File.Reader last = null;
        for (KerasH5File.Reader reader : files.holding(path)) {
            last = reader;
            Group group = find(reader, vars);
            if (group != null) {
                anyGroup = true;
                checkName(reader, group, path, layerName, layer);
                collect(reader, group, path, found);
            }
        }
        if (!anyGroup) {
            String cls = layer.path("class_name").asText();
            int expected = layers.weightKinds(cls, layer.path("config")).size();
            if (expected > 0) {
                throw new CorruptModelFileException(last == null ? files.describe() : last.file(), "group " + path,
                        "is missing: layer '" + layerName + "' (" + cls + ") has " + expected + " weights, which "
                        + "Keras saves there");
            }
            return List.of();
        }
        return variables(found, path);
    }

    private void checkName(KerasH5File.Reader reader, Group group, String path, String layerName, JsonNode layer) {
        String savedName = reader.stringAttribute(group, path, "name");
        if (savedName != null && !savedName.equals(layerName)) {
            throw new CorruptModelFileException(reader.file(), "group " + path, "holds the weights of layer '"
                    + savedName + "', but config.json puts layer '" + layerName + "' ("
                    + layer.path("class_name").asText() + ") there: the config and the weights do not belong together");
        }
    }

    /** The datasets of one {@code vars} group (one file's share, for sharded weights), by name. */
    private void collect(KerasH5File.Reader reader, Group vars, String path, Map<String, Dataset> found) {
        Map<String, Node> children = reader.at("group " + path, vars::getChildren);
        for (Map.Entry<String, Node> child : children.entrySet()) {
            String datasetPath = path + "/" + child.getKey();
            Node node = notALink(reader, child.getValue(), datasetPath);
            if (!(node instanceof Dataset dataset)) {
                throw new CorruptModelFileException(reader.file(), datasetPath, "is a group, not a dataset");
            }
            if (found.containsKey(child.getKey())) {
                throw new CorruptModelFileException(reader.file(), datasetPath, "is held by two shards");
            }
            found.put(child.getKey(), dataset);
            readers.put(dataset, reader);
        }
    }

    @Override
    public LayerWeightSource nested(String modelName, JsonNode model, KerasLayers layers) {
        return new Keras3Weights(files, layers, List.copyOf(place(modelName)), model);
    }

    /**
     * Keras's {@code to_snake_case} of a class name: Keras 3 inserts {@code _} before a capital
     * followed by lower-case letters, tf.keras (2.x) before one followed by letters or digits;
     * both then split lower-upper pairs ({@code ReLU} → {@code re_lu}).
     */
    static String snakeCase(String className, boolean keras3) {
        String name = keras3 ? className.replaceAll("\\W+", "") : className;
        name = (keras3 ? KERAS3_WORD : TF_KERAS_WORD).matcher(name).replaceAll("$1_$2");
        name = LOWER_UPPER.matcher(name).replaceAll("$1_$2").toLowerCase(java.util.Locale.ROOT);
        return !keras3 && name.startsWith("_") ? "private" + name : name;
    }

    /** The layer's place: the container's, then {@code layers/<snake_case class>[_N]}. */
    private List<String> place(String layerName) {
        List<String> place = new ArrayList<>(container);
        place.add("layers");
        place.add(placeByName.get(layerName));
        return place;
    }

    /** The datasets {@code 0, 1, ...} of a {@code vars} group, in that order. */
    private List<Tensor> variables(Map<String, Dataset> found, String path) {
        Tensor[] out = new Tensor[found.size()];
        for (Map.Entry<String, Dataset> child : found.entrySet()) {
            String name = child.getKey();
            KerasH5File.Reader reader = readers.remove(child.getValue());
            int index = index(name, out.length);
            if (index < 0) {
                throw new CorruptModelFileException(reader.file(), "group " + path, "holds '" + name + "', but "
                        + "Keras names a layer's " + out.length + " variables 0 to " + (out.length - 1));
            }
            out[index] = tensor(reader, child.getValue(), path + "/" + name);
        }
        return List.of(out);
    }

    /** {@code "3"} → 3 when it is one of {@code 0 .. count-1}, written as Keras writes it; else -1. */
    private static int index(String name, int count) {
        if (name.isEmpty() || name.length() > 9 || (name.length() > 1 && name.charAt(0) == '0')
                || !name.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        int i = Integer.parseInt(name);
        return i < count ? i : -1;
    }

    private static Tensor tensor(KerasH5File.Reader reader, Dataset dataset, String path) {
        String object = "dataset " + path;
        if ("bfloat16".equals(reader.stringAttribute(dataset, path, "dtype"))) {
            throw new UnsupportedKerasFeatureException(reader.file() + ": " + object + " holds bfloat16 values, "
                    + "which are not supported (float16, float32 and float64 are)");
        }
        return reader.toTensor(dataset, path);
    }

    private static Node notALink(KerasH5File.Reader reader, Node node, String path) {
        if (node != null && node.isLink()) {
            throw new UnsupportedKerasFeatureException(reader.file() + ": " + path + " is a soft or external link; "
                    + "refused, as Keras refuses links in weights files (they can point into other files)");
        }
        return node;
    }

    /**
     * The group at {@code path}, or null. Tried as written, then (tf.keras 2.13) with
     * {@code _layer_checkpoint_dependencies} for {@code layers}.
     */
    private static Group find(KerasH5File.Reader reader, List<String> path) {
        Group group = find(reader, reader.root(), path, 0);
        if (group == null && child(reader, reader.root(), LEGACY_LAYERS, "/") != null) {
            List<String> legacy = path.stream().map(p -> p.equals("layers") ? LEGACY_LAYERS : p).toList();
            group = find(reader, reader.root(), legacy, 0);
        }
        return group;
    }

    /**
     * Walks {@code path} from {@code group}: a child named by the next part or, in archives written
     * on Windows, by several parts joined with '\'. Such an archive holds both
     * {@code layers\sequential} (the nested model's own vars) and
     * {@code layers\sequential\layers\conv2d}, so every child that matches is tried.
     */
    private static Group find(KerasH5File.Reader reader, Group group, List<String> path, int from) {
        if (from == path.size()) {
            return group;
        }
        String where = from == 0 ? "/" : "/" + String.join("/", path.subList(0, from));
        if (child(reader, group, path.get(from), where) instanceof Group next) {
            Group found = find(reader, next, path, from + 1);
            if (found != null) {
                return found;
            }
        }
        for (String name : reader.at("group " + where, group::getChildren).keySet()) {
            List<String> steps = List.of(name.split("\\\\", -1));
            if (steps.size() > 1 && from + steps.size() <= path.size()
                    && steps.equals(path.subList(from, from + steps.size()))
                    && child(reader, group, name, where) instanceof Group next) {
                Group found = find(reader, next, path, from + steps.size());
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static Node child(KerasH5File.Reader reader, Group group, String name, String where) {
        String path = (where.endsWith("/") ? where : where + "/") + name;
        return notALink(reader, reader.at("group " + path, () -> group.getChild(name)), path);
    }
}
