package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.engine.Tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits the flat weight list that Keras saves for a model used as a layer (a MobileNet trunk
 * inside a Sequential) among its inner layers. Keras writes {@code trainable_weights +
 * non_trainable_weights} of the nested model, each gathered layer by layer and recursively; a
 * frozen layer or model lists all its weights among the non-trainable ones. Assigning by this
 * order is what Keras's own loader does; the shapes are checked when each layer is built.
 */
final class NestedWeights implements LayerWeightSource {
    private final Map<String, List<Tensor>> byPath;
    private final String prefix;

    private NestedWeights(Map<String, List<Tensor>> byPath, String prefix) {
        this.byPath = byPath;
        this.prefix = prefix;
    }

    /** @param model the nested model's layer entry ({@code class_name}, {@code config}) */
    static NestedWeights assign(JsonNode model, List<Tensor> flat, KerasLayers layers) {
        List<Slot> order = new ArrayList<>(trainable(model, "", layers));
        order.addAll(nonTrainable(model, "", layers));
        String name = ModelConfigReader.modelName(model);
        if (order.size() != flat.size()) {
            throw new KerasFormatException("nested model '" + name + "': the file holds " + flat.size()
                    + " weights but its layers' configs imply " + order.size());
        }
        Map<String, Tensor[]> slots = new HashMap<>();
        String own = name + "/";     // paths are relative to the nested model itself
        for (int i = 0; i < order.size(); i++) {
            Slot s = order.get(i);
            slots.computeIfAbsent(s.path.substring(own.length()), k -> new Tensor[s.count])[s.index] = flat.get(i);
        }
        Map<String, List<Tensor>> byPath = new HashMap<>();
        slots.forEach((path, ts) -> byPath.put(path, List.of(ts)));
        return new NestedWeights(byPath, "");
    }

    @Override
    public List<Tensor> weightsOf(String layerName) {
        return byPath.getOrDefault(prefix + layerName, List.of());
    }

    @Override
    public LayerWeightSource nested(String modelName, JsonNode model, KerasLayers layers) {
        return new NestedWeights(byPath, prefix + modelName + "/");
    }

    /** Weight number {@code index} (of {@code count}) of the layer at {@code path}. */
    private record Slot(String path, int index, int count) {
    }

    private static boolean trainableFlag(JsonNode layer) {
        return layer.path("config").path("trainable").asBoolean(true);
    }

    private static List<Slot> trainable(JsonNode layer, String prefix, KerasLayers layers) {
        List<Slot> out = new ArrayList<>();
        if (!trainableFlag(layer)) {
            return out;
        }
        if (ModelConfigReader.isModel(layer)) {
            for (JsonNode child : ModelConfigReader.layersOf(layer)) {
                out.addAll(trainable(child, prefix + ModelConfigReader.modelName(layer) + "/", layers));
            }
            return out;
        }
        return own(layer, prefix, layers, true);
    }

    private static List<Slot> nonTrainable(JsonNode layer, String prefix, KerasLayers layers) {
        List<Slot> out = new ArrayList<>();
        if (ModelConfigReader.isModel(layer)) {
            String inner = prefix + ModelConfigReader.modelName(layer) + "/";
            if (!trainableFlag(layer)) {
                for (JsonNode child : ModelConfigReader.layersOf(layer)) {
                    out.addAll(trainable(child, inner, layers));
                }
            }
            for (JsonNode child : ModelConfigReader.layersOf(layer)) {
                out.addAll(nonTrainable(child, inner, layers));
            }
            return out;
        }
        if (!trainableFlag(layer)) {
            out.addAll(own(layer, prefix, layers, true));
        }
        out.addAll(own(layer, prefix, layers, false));
        return out;
    }

    /** The layer's own weights of one kind, numbered by their place in the layer's Keras order. */
    private static List<Slot> own(JsonNode layer, String prefix, KerasLayers layers, boolean trainableKind) {
        String name = layer.path("config").path("name").asText(layer.path("name").asText());
        List<Boolean> kinds = layers.weightKinds(layer.path("class_name").asText(), layer.path("config"));
        List<Slot> out = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            if (kinds.get(i) == trainableKind) {
                out.add(new Slot(prefix + name, i, kinds.size()));
            }
        }
        return out;
    }
}
