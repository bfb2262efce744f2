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

    private final KerasH5File.Reader reader;
    private final KerasLayers layers;
    /** The container's own place, e.g. {@code []} for the model, {@code [layers, sequential]} for a nested one. */
    private final List<String> container;
    private final Map<String, JsonNode> layerByName = new HashMap<>();
    private final Map<String, String> placeByName = new HashMap<>();

    private Keras3Weights(KerasH5File.Reader reader, KerasLayers layers, List<String> container, JsonNode model) {
        this.reader = reader;
        this.layers = layers;
        this.container = container;
        Map<String, Integer> used = new HashMap<>();
        boolean keras3 = layers.origin().isKeras3();
        for (JsonNode layer : ModelConfigReader.layersOf(model)) {
            String name = layer.path("config").path("name").asText(layer.path("name").asText());
            String snake = snakeCase(layer.path("class_name").asText(), keras3);
            int count = used.merge(snake, 1, Integer::sum) - 1;
            layerByName.putIfAbsent(name, layer);
            placeByName.putIfAbsent(name, count == 0 ? snake : snake + "_" + count);
        }
    }

    /** The weights of {@code model} (the top of config.json) in the file that {@code reader} has open. */
    static Keras3Weights of(KerasH5File.Reader reader, JsonNode model, KerasLayers layers) {
        return new Keras3Weights(reader, layers, List.of(), model);
    }

    @Override
    public List<Tensor> weightsOf(String layerName) {
        JsonNode layer = layerByName.get(layerName);
        if (layer == null) {
            return List.of();
        }
        List<String> vars = place(layerName);
        vars.add("vars");
        return weightsOf(layerName, layer, vars, "/" + String.join("/", vars));
    }

    private List<Tensor> weightsOf(String layerName, JsonNode layer, List<String> vars, String path) {
        Group group = find(vars);
        String cls = layer.path("class_name").asText();
        if (group == null) {
            int expected = layers.weightKinds(cls, layer.path("config")).size();
            if (expected > 0) {
                throw new CorruptModelFileException(reader.file(), "group " + path, "is missing: layer '" + layerName
                        + "' (" + cls + ") has " + expected + " weights, which Keras saves there");
            }
            return List.of();
        }
        String savedName = reader.stringAttribute(group, path, "name");
        if (savedName != null && !savedName.equals(layerName)) {
            throw new CorruptModelFileException(reader.file(), "group " + path, "holds the weights of layer '"
                    + savedName + "', but config.json puts layer '" + layerName + "' (" + cls + ") there: the "
                    + "archive's config and weights do not belong together");
        }
        return variables(group, path);
    }

    @Override
    public LayerWeightSource nested(String modelName, JsonNode model, KerasLayers layers) {
        return new Keras3Weights(reader, layers, List.copyOf(place(modelName)), model);
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
    private List<Tensor> variables(Group vars, String path) {
        Map<String, Node> children = reader.at("group " + path, vars::getChildren);
        Tensor[] out = new Tensor[children.size()];
        for (Map.Entry<String, Node> child : children.entrySet()) {
            String name = child.getKey();
            String datasetPath = path + "/" + name;
            int index = index(name, out.length);
            if (index < 0) {
                throw new CorruptModelFileException(reader.file(), "group " + path, "holds '" + name + "', but "
                        + "Keras names a layer's " + out.length + " variables 0 to " + (out.length - 1));
            }
            Node node = notALink(child.getValue(), datasetPath);
            if (!(node instanceof Dataset dataset)) {
                throw new CorruptModelFileException(reader.file(), datasetPath, "is a group, not a dataset");
            }
            out[index] = tensor(dataset, datasetPath);
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

    private Tensor tensor(Dataset dataset, String path) {
        String object = "dataset " + path;
        if ("bfloat16".equals(reader.stringAttribute(dataset, path, "dtype"))) {
            throw new UnsupportedKerasFeatureException(reader.file() + ": " + object + " holds bfloat16 values, "
                    + "which are not supported (float16, float32 and float64 are)");
        }
        return reader.toTensor(dataset, path);
    }

    private Node notALink(Node node, String path) {
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
    private Group find(List<String> path) {
        Group group = find(reader.root(), path, 0);
        if (group == null && child(reader.root(), LEGACY_LAYERS, "/") != null) {
            List<String> legacy = path.stream().map(p -> p.equals("layers") ? LEGACY_LAYERS : p).toList();
            group = find(reader.root(), legacy, 0);
        }
        return group;
    }

    /**
     * Walks {@code path} from {@code group}: a child named by the next part or, in archives written
     * on Windows, by several parts joined with '\'. Such an archive holds both
     * {@code layers\sequential} (the nested model's own vars) and
     * {@code layers\sequential\layers\conv2d}, so every child that matches is tried.
     */
    private Group find(Group group, List<String> path, int from) {
        if (from == path.size()) {
            return group;
        }
        String where = from == 0 ? "/" : "/" + String.join("/", path.subList(0, from));
        if (child(group, path.get(from), where) instanceof Group next) {
            Group found = find(next, path, from + 1);
            if (found != null) {
                return found;
            }
        }
        for (String name : reader.at("group " + where, group::getChildren).keySet()) {
            List<String> steps = List.of(name.split("\\\\", -1));
            if (steps.size() > 1 && from + steps.size() <= path.size()
                    && steps.equals(path.subList(from, from + steps.size()))
                    && child(group, name, where) instanceof Group next) {
                Group found = find(next, path, from + steps.size());
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private Node child(Group group, String name, String where) {
        String path = (where.endsWith("/") ? where : where + "/") + name;
        return notALink(reader.at("group " + path, () -> group.getChild(name)), path);
    }
}
