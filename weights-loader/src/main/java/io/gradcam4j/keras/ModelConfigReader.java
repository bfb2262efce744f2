package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an engine {@link Graph} from a Keras {@code model_config}: a Sequential (list or dict
 * form) or a functional model ({@code Model} / {@code Functional}) whose layers name their
 * inbound nodes in the Keras 2 form ({@code [[["conv1", 0, 0, {}]]]}) or the Keras 3 form
 * ({@code [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["conv1", 0, 0]}}]}]}).
 *
 * <p>Graph nodes take the layer's name; a layer called more than once (shared weights) gets
 * {@code name#k} for its k-th call.
 */
public final class ModelConfigReader {
    private final KerasLayers layers;
    private final LayerWeightSource weights;

    public ModelConfigReader(KerasLayers layers, LayerWeightSource weights) {
        this.layers = layers;
        this.weights = weights;
    }

    /** @param modelConfig the top object of model_config: {@code {"class_name": ..., "config": ...}} */
    public Graph read(JsonNode modelConfig) {
        String className = modelConfig.path("class_name").asText();
        JsonNode config = modelConfig.get("config");
        if (config == null) {
            throw new KerasFormatException("model_config has no 'config'");
        }
        switch (className) {
            case "Sequential": return sequential(config);
            case "Model":
            case "Functional": return functional(config);
            default:
                throw new KerasFormatException("model class '" + className + "' is not supported (Sequential, "
                        + "Model, Functional)");
        }
    }

    private Graph sequential(JsonNode config) {
        // Keras 2.0-2.1 stored the layer list directly; later versions {"name", "layers"}.
        JsonNode layerList = config.isArray() ? config : config.path("layers");
        Graph.Builder b = Graph.builder();
        Node current = null;
        for (JsonNode layer : layerList) {
            String cls = layer.path("class_name").asText();
            JsonNode lc = layer.path("config");
            String name = lc.path("name").asText();
            if (current == null) {
                current = b.input(cls.equals("InputLayer") ? name : "input");
                if (cls.equals("InputLayer")) {
                    continue;
                }
            }
            current = b.add(name, create(cls, lc), current);
        }
        if (current == null) {
            throw new KerasFormatException("the Sequential model has no layers");
        }
        return b.build(current);
    }

    private Graph functional(JsonNode config) {
        Graph.Builder b = Graph.builder();
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode layer : config.path("layers")) {
            byName.put(layer.path("name").asText(layer.path("config").path("name").asText()), layer);
        }
        Map<String, Node> built = new HashMap<>();
        Map<String, Op> ops = new HashMap<>();
        for (JsonNode in : config.path("input_layers")) {
            String name = tensorRef(in).layer;
            built.put(name + "#0", b.input(name));
        }
        // Layers are listed in an order where inputs come first, but resolve recursively anyway.
        List<TensorRef> outputs = new ArrayList<>();
        JsonNode outs = config.path("output_layers");
        if (outs.size() > 0 && outs.get(0).isTextual()) {
            outputs.add(tensorRef(outs));    // Keras 3 writes a single output unwrapped
        } else {
            for (JsonNode o : outs) {
                outputs.add(tensorRef(o));
            }
        }
        if (outputs.size() != 1) {
            throw new KerasFormatException("models with " + outputs.size() + " outputs are not supported; one output");
        }
        Node out = resolve(outputs.get(0), byName, built, ops, b);
        return b.build(out);
    }

    private Node resolve(TensorRef ref, Map<String, JsonNode> byName, Map<String, Node> built, Map<String, Op> ops,
                         Graph.Builder b) {
        String key = ref.layer + "#" + ref.node;
        Node existing = built.get(key);
        if (existing != null) {
            return existing;
        }
        JsonNode layer = byName.get(ref.layer);
        if (layer == null) {
            throw new KerasFormatException("a node refers to layer '" + ref.layer + "', which the model does not have");
        }
        List<TensorRef> inbound = inboundOf(layer, ref.node);
        Node[] args = new Node[inbound.size()];
        for (int i = 0; i < args.length; i++) {
            args[i] = resolve(inbound.get(i), byName, built, ops, b);
        }
        String cls = layer.path("class_name").asText();
        Op op = ops.computeIfAbsent(ref.layer, n -> create(cls, layer.path("config")));
        Node node = b.add(ref.node == 0 ? ref.layer : key, op, args);
        built.put(key, node);
        return node;
    }

    private Op create(String className, JsonNode config) {
        return layers.create(className, config, weights.weightsOf(config.path("name").asText()));
    }

    /** The tensors that call number {@code node} of {@code layer} received. */
    private static List<TensorRef> inboundOf(JsonNode layer, int node) {
        JsonNode nodes = layer.path("inbound_nodes");
        String name = layer.path("name").asText();
        if (node >= nodes.size()) {
            throw new KerasFormatException("layer '" + name + "' has no inbound node " + node);
        }
        JsonNode call = nodes.get(node);
        List<TensorRef> refs = new ArrayList<>();
        if (call.isArray()) {
            for (JsonNode t : call) {           // Keras 1/2: [layer, node, tensor, kwargs]
                refs.add(tensorRef(t));
            }
        } else {
            collectKeras3Tensors(call.path("args"), refs);
        }
        if (refs.isEmpty()) {
            throw new KerasFormatException("layer '" + name + "' call " + node + " has no input tensors");
        }
        return refs;
    }

    private static void collectKeras3Tensors(JsonNode value, List<TensorRef> out) {
        if (value.isArray()) {
            for (JsonNode v : value) {
                collectKeras3Tensors(v, out);
            }
        } else if (value.isObject() && "__keras_tensor__".equals(value.path("class_name").asText())) {
            out.add(tensorRef(value.path("config").path("keras_history")));
        }
    }

    private static TensorRef tensorRef(JsonNode t) {
        if (!t.isArray() || t.size() < 3) {
            throw new KerasFormatException("cannot read tensor reference " + t);
        }
        if (t.get(2).asInt() != 0) {
            throw new KerasFormatException("layer '" + t.get(0).asText() + "' has several outputs; not supported");
        }
        return new TensorRef(t.get(0).asText(), t.get(1).asInt());
    }

    private record TensorRef(String layer, int node) {
    }
}
