package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds an engine {@link Graph} from a Keras {@code model_config}: a Sequential (list or dict
 * form) or a functional model ({@code Model} / {@code Functional}) whose layers name their
 * inbound nodes in the Keras 2 form ({@code [[["conv1", 0, 0, {}]]]}) or the Keras 3 form
 * ({@code [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["conv1", 0, 0]}}]}]}).
 *
 * <p>A model used as a layer (nested) is inlined: its layers become nodes named
 * {@code outer/inner}, fed by the node that fed the nested model. Graph nodes take the layer's
 * name; a layer called more than once (shared weights) gets {@code name#k} for its k-th call.
 * The top model may have several inputs and several outputs (heads): the graph has them in the
 * order of {@code input_layers} and {@code output_layers}.
 */
public final class ModelConfigReader {
    private static final Set<String> MODEL_CLASSES = Set.of("Sequential", "Model", "Functional");

    private final KerasLayers layers;
    private final LayerWeightSource weights;
    private final List<LayerInfo> infos = new ArrayList<>();

    public ModelConfigReader(KerasLayers layers, LayerWeightSource weights) {
        this.layers = layers;
        this.weights = weights;
    }

    /** @param modelConfig the top object of model_config: {@code {"class_name": ..., "config": ...}} */
    public Graph read(JsonNode modelConfig) {
        return readModel(modelConfig).graph();
    }

    /** The graph together with the Keras facts about it (classes, input shape). */
    public KerasModel readModel(JsonNode modelConfig) {
        if (!isModel(modelConfig)) {
            throw new KerasFormatException("model class '" + modelConfig.path("class_name").asText()
                    + "' is not supported (Sequential, Model, Functional)");
        }
        infos.clear();
        Graph.Builder b = Graph.builder();
        Graph graph = b.build(addModel(modelConfig, "", null, weights, b));
        return new KerasModel(modelName(modelConfig), graph, List.copyOf(infos), inputShapes(modelConfig, graph),
                modelConfig);
    }

    /**
     * The shape of each graph input without batch (-1 for None), by input name: a functional
     * model's from each of its input layers, a single input's from the first layer declaring one.
     */
    private static Map<String, int[]> inputShapes(JsonNode model, Graph graph) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        if (graph.inputs().size() == 1) {
            shapes.put(graph.inputs().get(0).name(), inputShape(model));
            return shapes;
        }
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode layer : layersOf(model)) {
            byName.put(layer.path("name").asText(layer.path("config").path("name").asText()), layer);
        }
        for (Node in : graph.inputs()) {
            JsonNode layer = byName.get(in.name());
            int[] shape = layer == null ? null : declaredShape(layer.path("config"));
            if (shape == null) {
                throw new KerasFormatException("input '" + in.name() + "' of model '" + modelName(model)
                        + "' declares no shape");
            }
            shapes.put(in.name(), shape);
        }
        return shapes;
    }

    /** A layer config's {@code batch_input_shape} (Keras 2) or {@code batch_shape} (Keras 3) without batch. */
    private static int[] declaredShape(JsonNode config) {
        JsonNode shape = config.has("batch_input_shape") ? config.get("batch_input_shape") : config.get("batch_shape");
        if (shape == null || !shape.isArray()) {
            return null;
        }
        int[] out = new int[shape.size() - 1];
        for (int i = 1; i < shape.size(); i++) {
            out[i - 1] = shape.get(i).isNull() ? -1 : shape.get(i).asInt();
        }
        return out;
    }

    /** The input shape without batch from the first layer that declares one (-1 for None). */
    private static int[] inputShape(JsonNode model) {
        for (JsonNode layer : layersOf(model)) {
            int[] shape = declaredShape(layer.path("config"));
            if (shape != null) {
                return shape;
            }
            if (isModel(layer)) {
                return inputShape(layer);
            }
        }
        throw new KerasFormatException("model '" + modelName(model) + "' declares no input shape");
    }

    private Node input(Graph.Builder b, String name) {
        infos.add(new LayerInfo(name, "InputLayer", List.of()));
        return b.input(name);
    }

    static boolean isModel(JsonNode layer) {
        return MODEL_CLASSES.contains(layer.path("class_name").asText());
    }

    static String modelName(JsonNode layer) {
        JsonNode config = layer.path("config");
        String name = config.isObject() ? config.path("name").asText("") : "";
        return name.isEmpty() ? layer.path("name").asText("model") : name;
    }

    /** A model's layer entries: Keras 2.0-2.1 Sequentials stored the list itself as the config. */
    static JsonNode layersOf(JsonNode model) {
        JsonNode config = model.path("config");
        return config.isArray() ? config : config.path("layers");
    }

    /**
     * Adds the model's layers to {@code b} under {@code prefix}. Its inputs are {@code given}
     * (a nested model) or new graph inputs (the top model). Returns its output nodes.
     */
    private List<Node> addModel(JsonNode model, String prefix, List<Node> given, LayerWeightSource source,
                                Graph.Builder b) {
        return model.path("class_name").asText().equals("Sequential")
                ? List.of(addSequential(model, prefix, given, source, b))
                : addFunctional(model, prefix, given, source, b);
    }

    private Node addSequential(JsonNode model, String prefix, List<Node> given, LayerWeightSource source,
                               Graph.Builder b) {
        Node current = null;
        for (JsonNode layer : layersOf(model)) {
            String cls = layer.path("class_name").asText();
            String name = layer.path("config").path("name").asText();
            if (current == null) {
                current = given != null ? given.get(0) : input(b, cls.equals("InputLayer") ? name : "input");
                if (cls.equals("InputLayer")) {
                    continue;
                }
            }
            current = addLayer(layer, prefix, prefix + name, new Node[] {current}, source, b, new HashMap<>());
        }
        if (current == null) {
            throw new KerasFormatException("the Sequential model '" + modelName(model) + "' has no layers");
        }
        return current;
    }

    private List<Node> addFunctional(JsonNode model, String prefix, List<Node> given, LayerWeightSource source,
                                     Graph.Builder b) {
        JsonNode config = model.path("config");
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode layer : config.path("layers")) {
            byName.put(layer.path("name").asText(layer.path("config").path("name").asText()), layer);
        }
        Map<String, Node> built = new HashMap<>();
        List<TensorRef> ins = refs(config.path("input_layers"));
        if (given != null && given.size() != ins.size()) {
            throw new KerasFormatException("nested model '" + modelName(model) + "' has " + ins.size()
                    + " inputs but is called with " + given.size());
        }
        for (int i = 0; i < ins.size(); i++) {
            String name = ins.get(i).layer;
            built.put(name + "#0", given != null ? given.get(i) : input(b, prefix + name));
        }
        List<TensorRef> outputs = refs(config.path("output_layers"));
        if (outputs.isEmpty()) {
            throw new KerasFormatException("model '" + modelName(model) + "' names no output layer");
        }
        Resolver r = new Resolver(byName, built, new HashMap<>(), prefix, source, b);
        List<Node> heads = new ArrayList<>();
        for (TensorRef out : outputs) {
            heads.add(r.resolve(out));
        }
        return heads;
    }

    /**
     * Keras 2 lists {@code [[name, node, tensor], ...]}; Keras 3 writes a single one unwrapped,
     * and a model whose outputs were a dict as {@code {"key": [name, node, tensor], ...}}.
     */
    private static List<TensorRef> refs(JsonNode list) {
        List<TensorRef> out = new ArrayList<>();
        if (list.size() > 0 && list.isArray() && list.get(0).isTextual()) {
            out.add(tensorRef(list));
        } else {
            for (JsonNode o : list) {
                out.add(tensorRef(o));
            }
        }
        return out;
    }

    /** Walks a functional model's nodes from its output back to its inputs. */
    private final class Resolver {
        private final Map<String, JsonNode> byName;
        private final Map<String, Node> built;
        private final Map<String, Op> ops;
        private final String prefix;
        private final LayerWeightSource source;
        private final Graph.Builder b;

        Resolver(Map<String, JsonNode> byName, Map<String, Node> built, Map<String, Op> ops, String prefix,
                 LayerWeightSource source, Graph.Builder b) {
            this.byName = byName;
            this.built = built;
            this.ops = ops;
            this.prefix = prefix;
            this.source = source;
            this.b = b;
        }

        Node resolve(TensorRef ref) {
            String key = ref.layer + "#" + ref.node;
            Node existing = built.get(key);
            if (existing != null) {
                return existing;
            }
            JsonNode layer = byName.get(ref.layer);
            if (layer == null) {
                throw new KerasFormatException("a node refers to layer '" + ref.layer
                        + "', which the model does not have");
            }
            List<TensorRef> inbound = inboundOf(layer, ref.node);
            Node[] args = new Node[inbound.size()];
            for (int i = 0; i < args.length; i++) {
                args[i] = resolve(inbound.get(i));
            }
            String nodeName = prefix + (ref.node == 0 ? ref.layer : key);
            Node node = addLayer(layer, prefix, nodeName, args, source, b, ops);
            built.put(key, node);
            return node;
        }
    }

    /** One call of a layer: a nested model is inlined, any other layer becomes one node. */
    private Node addLayer(JsonNode layer, String prefix, String nodeName, Node[] args, LayerWeightSource source,
                          Graph.Builder b, Map<String, Op> ops) {
        String cls = layer.path("class_name").asText();
        JsonNode config = layer.path("config");
        String name = config.path("name").asText(layer.path("name").asText());
        if (isModel(layer)) {
            LayerWeightSource inner = source.nested(name, layer, layers);
            List<Node> outputs = addModel(layer, nodeName + "/", List.of(args), inner, b);
            if (outputs.size() != 1) {
                throw new UnsupportedKerasFeatureException("nested model '" + name + "' has " + outputs.size()
                        + " outputs; a model used as a layer must have one (the top model may have several)");
            }
            return outputs.get(0);
        }
        if (cls.equals("InputLayer")) {
            throw new KerasFormatException("InputLayer '" + name + "' is used as a layer inside the model");
        }
        Op op = ops.computeIfAbsent(name, n -> create(cls, config, source, prefix));
        List<String> inputNames = new ArrayList<>();
        for (Node a : args) {
            inputNames.add(a.name());
        }
        infos.add(new LayerInfo(nodeName, cls, inputNames));
        return b.add(nodeName, op, args);
    }

    private Op create(String className, JsonNode config, LayerWeightSource source, String prefix) {
        String name = config.path("name").asText();
        try {
            return layers.create(className, config, source.weightsOf(name));
        } catch (KerasFormatException | UnsupportedKerasFeatureException e) {
            if (prefix.isEmpty()) {
                throw e;
            }
            throw KerasFormatException.reworded(e, "in nested model '" + prefix.substring(0, prefix.length() - 1)
                    + "': " + e.getMessage());
        }
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
            if (refs.isEmpty()) {           // a layer called as layer(inputs=x)
                collectKeras3Tensors(call.path("kwargs").path("inputs"), refs);
            }
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
            throw new UnsupportedKerasFeatureException("layer '" + t.get(0).asText() + "' has several outputs; not supported");
        }
        return new TensorRef(t.get(0).asText(), t.get(1).asInt());
    }

    private record TensorRef(String layer, int node) {
    }
}
