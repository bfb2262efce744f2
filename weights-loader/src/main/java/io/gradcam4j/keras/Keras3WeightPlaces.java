package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where Keras 3 saves each layer's variables in a {@code model.weights.h5}, in the order its
 * {@code saving_lib._save_state} visits them: the model itself at the root ({@code vars}, no
 * variables), then each layer of {@code model.layers} at {@code layers/<snake_case class>[_N]}
 * (a counter per class, restarting in each container), a nested model's layers under its own
 * place. A Sequential's {@code model.layers} leaves its InputLayer out, a Functional's keeps its
 * input layers. The reading side of the same rule is {@link Keras3Weights}.
 */
final class Keras3WeightPlaces {
    /**
     * One place: its group path without {@code /vars} ({@code ""} for the model itself,
     * {@code layers/conv2d}), the layer's name (the {@code name} attribute Keras 3.10+ writes) and
     * its variables in Keras's order (trainable ones first, each kind in creation order: the order
     * the graph's ops hold them, which is also the h5 {@code weight_names} order).
     */
    record Place(String path, String layerName, List<Tensor> variables) {
        /** The HDF5 path of its {@code vars} group, as Keras's sharded index names it. */
        String varsPath() {
            return path.isEmpty() ? "/vars" : "/" + path + "/vars";
        }
    }

    private final Map<String, Node> nodes = new HashMap<>();
    private final List<Place> places = new ArrayList<>();

    private Keras3WeightPlaces(KerasModel model) {
        for (Node n : model.graph().nodes()) {
            nodes.put(n.name(), n);
        }
    }

    /** Every place of {@code model}, the model's own first. */
    static List<Place> of(KerasModel model) {
        Keras3WeightPlaces p = new Keras3WeightPlaces(model);
        JsonNode config = model.modelConfig();
        p.places.add(new Place("", ModelConfigReader.modelName(config), List.of()));
        p.container(config, "", "");
        return p.places;
    }

    private void container(JsonNode model, String path, String graphPrefix) {
        boolean sequential = "Sequential".equals(model.path("class_name").asText());
        Map<String, Integer> used = new HashMap<>();
        for (JsonNode layer : ModelConfigReader.layersOf(model)) {
            String cls = layer.path("class_name").asText();
            if (sequential && cls.equals("InputLayer")) {
                continue;
            }
            boolean nested = ModelConfigReader.isModel(layer);
            // the class Keras 3 rebuilds: Keras 2's "Model" is a Functional (Keras3Serialization writes it so)
            String snake = Keras3Weights.snakeCase(nested && !cls.equals("Sequential") ? "Functional" : cls, true);
            int n = used.merge(snake, 1, Integer::sum) - 1;
            String place = path + "layers/" + (n == 0 ? snake : snake + "_" + n);
            String name = layer.path("config").path("name").asText(layer.path("name").asText());
            if (nested) {
                places.add(new Place(place, name, List.of()));
                container(layer, place + "/", graphPrefix + name + "/");
            } else {
                places.add(new Place(place, name, variables(graphPrefix + name)));
            }
        }
    }

    private List<Tensor> variables(String node) {
        Node n = nodes.get(node);
        if (n == null || n.isInput()) {
            return List.of();       // an input, or a layer the outputs do not depend on
        }
        return n.op().params().stream().map(Param::value).toList();
    }
}
