package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * A model config in Keras 3's {@code config.json} spelling ({@code serialization_lib.serialize_keras_object}),
 * from the config a model was loaded from (Keras 2 {@code model_config} of an {@code .h5}, a
 * Keras 3 archive's own, or the config an application is built from). What Keras 3 writes and
 * this class writes:
 * <ul>
 *   <li>every object as {@code {"module", "class_name", "config", "registered_name"}}: layers from
 *       module {@code keras.layers}, {@code Sequential} from {@code keras},
 *       {@code Functional} from {@code keras.src.models.functional} with registered name
 *       {@code Functional} (as Keras 3.10 writes them);</li>
 *   <li>a layer's {@code dtype} as a {@code DTypePolicy} object, float32 when the config has none
 *       (an InputLayer's stays the string of its input's dtype);</li>
 *   <li>{@code InputLayer}'s {@code batch_shape} (Keras 2: {@code batch_input_shape}) and
 *       {@code BatchNormalization}'s {@code axis} as one integer (Keras 2.15 writes {@code [3]},
 *       which Keras 3's {@code int(axis)} refuses);</li>
 *   <li>a functional layer's calls as {@code {"args": [...], "kwargs": {...}}} with each input a
 *       {@code __keras_tensor__} naming its {@code keras_history} and its shape; several inputs are
 *       one list argument, as {@code Add()([a, b])} is called.</li>
 * </ul>
 * Layers Keras cannot rebuild from a config (Lambda, custom classes given as Java ops) cannot be
 * written: refused, naming the layer.
 */
final class Keras3Serialization {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** Output shapes by graph node name (batch 1); spatial axes written as None when the input's size is free. */
    private final Map<String, int[]> shapes;
    private final boolean freeSize;

    private Keras3Serialization(Map<String, int[]> shapes, boolean freeSize) {
        this.shapes = shapes;
        this.freeSize = freeSize;
    }

    /** The {@code config.json} object for {@code model}. */
    static ObjectNode of(KerasModel model) {
        boolean freeSize = model.inputShapes().values().stream().flatMapToInt(java.util.Arrays::stream)
                .anyMatch(d -> d <= 0);
        ObjectNode top = new Keras3Serialization(model.outputShapes(), freeSize).model(model.modelConfig(), "");
        ObjectNode build = top.putObject("build_config");
        if ("Sequential".equals(top.path("class_name").asText())) {
            build.set("input_shape", shapeWithBatch(model.inputShape()));
        } else {
            build.putNull("input_shape");     // what Keras 3 writes for a functional model
        }
        return top;
    }

    private ObjectNode model(JsonNode model, String prefix) {
        boolean sequential = "Sequential".equals(model.path("class_name").asText());
        JsonNode config = model.path("config");
        if (!config.isObject()) {
            throw new UnsupportedKerasFeatureException("model '" + ModelConfigReader.modelName(model) + "': its config "
                    + "is the bare layer list of Keras 2.0-2.1; writing it in Keras 3's spelling is not supported");
        }
        ObjectNode out = JSON.objectNode();
        out.put("module", sequential ? "keras" : "keras.src.models.functional");
        out.put("class_name", sequential ? "Sequential" : "Functional");
        ObjectNode c = out.putObject("config");
        c.put("name", ModelConfigReader.modelName(model));
        c.put("trainable", config.path("trainable").asBoolean(true));
        c.set("dtype", policy("float32"));
        ArrayNode layers = c.putArray("layers");
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        for (JsonNode layer : ModelConfigReader.layersOf(model)) {
            byName.put(layerName(layer), layer);
        }
        for (JsonNode layer : ModelConfigReader.layersOf(model)) {
            layers.add(sequential ? element(layer, prefix) : functionalLayer(layer, prefix, byName));
        }
        if (!sequential) {
            c.set("input_layers", config.path("input_layers").deepCopy());
            c.set("output_layers", config.path("output_layers").deepCopy());
        }
        if (sequential) {
            out.putNull("registered_name");
        } else {
            out.put("registered_name", "Functional");
        }
        return out;
    }

    /** A layer of a Sequential (no name or inbound nodes beside its config), or a nested model. */
    private ObjectNode element(JsonNode layer, String prefix) {
        if (ModelConfigReader.isModel(layer)) {
            return model(layer, prefix + layerName(layer) + "/");
        }
        String cls = layer.path("class_name").asText();
        if (cls.equals("Lambda") || !Keras3Config.isBuiltIn(layer)) {
            throw new UnsupportedKerasFeatureException("layer '" + layerName(layer) + "' (" + cls + ") is Python code "
                    + "(a Lambda or a custom class): Keras could not rebuild it from a .keras file, so it is not written");
        }
        ObjectNode out = JSON.objectNode();
        out.put("module", "keras.layers");
        out.put("class_name", cls);
        out.set("config", layerConfig(cls, layer.path("config")));
        out.putNull("registered_name");
        return out;
    }

    /** A layer of a Functional: as in a Sequential, plus its name and its calls. */
    private ObjectNode functionalLayer(JsonNode layer, String prefix, Map<String, JsonNode> byName) {
        ObjectNode out = element(layer, prefix);
        out.put("name", layerName(layer));
        ArrayNode calls = out.putArray("inbound_nodes");
        for (JsonNode call : layer.path("inbound_nodes")) {
            calls.add(call.isArray() ? keras3Call(call, prefix, byName) : call.deepCopy());
        }
        return out;
    }

    /** One Keras 2 call {@code [["conv1", 0, 0, {}], ...]} as Keras 3's {@code {"args": [...], "kwargs": {...}}}. */
    private ObjectNode keras3Call(JsonNode call, String prefix, Map<String, JsonNode> byName) {
        ObjectNode out = JSON.objectNode();
        ArrayNode tensors = JSON.arrayNode();
        ObjectNode kwargs = JSON.objectNode();
        for (JsonNode t : call) {
            tensors.add(kerasTensor(t, prefix, byName));
            if (t.size() > 3 && t.get(3).isObject()) {
                kwargs.setAll((ObjectNode) t.get(3).deepCopy());
            }
        }
        ArrayNode args = out.putArray("args");
        if (tensors.size() == 1) {
            args.add(tensors.get(0));
        } else {
            args.add(tensors);
        }
        out.set("kwargs", kwargs);
        return out;
    }

    private ObjectNode kerasTensor(JsonNode ref, String prefix, Map<String, JsonNode> byName) {
        ObjectNode t = JSON.objectNode();
        t.put("class_name", "__keras_tensor__");
        ObjectNode c = t.putObject("config");
        String layer = ref.path(0).asText();
        int node = ref.path(1).asInt();
        JsonNode source = byName.get(layer);
        boolean nestedInput = !prefix.isEmpty() && source != null
                && "InputLayer".equals(source.path("class_name").asText());
        // a nested model's input is no graph node (the outer model feeds it): its declared shape
        c.set("shape", nestedInput ? declaredShape(source.path("config"))
                : shapeOf(prefix + (node == 0 ? layer : layer + "#" + node)));
        c.put("dtype", "float32");
        c.putArray("keras_history").add(layer).add(node).add(ref.path(2).asInt());
        return t;
    }

    /**
     * The tensor's shape with None for the batch: a graph node's, or a nested model's (whose
     * output node is its last inlined node, named under its prefix).
     */
    private ArrayNode shapeOf(String node) {
        int[] shape = shapes.get(node);
        if (shape == null) {
            String inner = null;
            for (String name : shapes.keySet()) {
                if (name.startsWith(node + "/")) {
                    inner = name;           // graph nodes are in topological order: the last is the output
                }
            }
            shape = inner == null ? null : shapes.get(inner);
        }
        if (shape == null) {
            throw new KerasFormatException("cannot write the input of a layer: no shape is known for '" + node + "'");
        }
        ArrayNode out = JSON.arrayNode().addNull();
        for (int i = 1; i < shape.length; i++) {
            if (freeSize && shape.length == 4 && i < 3) {
                out.addNull();              // computed at a default size; Keras's would be None
            } else {
                out.add(shape[i]);
            }
        }
        return out;
    }

    /** The layer's config with the Keras 3 spellings of what changed (see the class comment). */
    private static ObjectNode layerConfig(String cls, JsonNode config) {
        ObjectNode c = config.isObject() ? (ObjectNode) config.deepCopy() : JSON.objectNode();
        if (cls.equals("InputLayer")) {
            JsonNode legacy = c.remove("batch_input_shape");
            if (legacy != null && !c.has("batch_shape")) {
                c.set("batch_shape", legacy);
            }
            if (c.path("dtype").isObject()) {
                c.put("dtype", c.path("dtype").path("config").path("name").asText("float32"));
            }
            return c;
        }
        JsonNode dtype = c.path("dtype");
        if (dtype.isTextual() || dtype.isMissingNode() || dtype.isNull()) {
            // Keras 3 writes every layer's policy; configs of early Keras 2 have none: float32
            c.set("dtype", policy(dtype.isTextual() ? dtype.asText() : "float32"));
        }
        JsonNode axis = c.path("axis");
        if (cls.equals("BatchNormalization") && axis.isArray() && axis.size() == 1) {
            c.set("axis", axis.get(0));
        }
        return c;
    }

    private static ObjectNode policy(String name) {
        ObjectNode p = JSON.objectNode();
        p.put("module", "keras");
        p.put("class_name", "DTypePolicy");
        p.putObject("config").put("name", name);
        p.putNull("registered_name");
        return p;
    }

    private static JsonNode declaredShape(JsonNode inputConfig) {
        JsonNode shape = inputConfig.has("batch_shape") ? inputConfig.get("batch_shape")
                : inputConfig.get("batch_input_shape");
        if (shape == null || !shape.isArray()) {
            throw new KerasFormatException("cannot write the input of a nested model: its InputLayer declares no shape");
        }
        return shape.deepCopy();
    }

    private static ArrayNode shapeWithBatch(int[] shape) {
        ArrayNode out = JSON.arrayNode().addNull();
        for (int d : shape) {
            if (d > 0) {
                out.add(d);
            } else {
                out.addNull();
            }
        }
        return out;
    }

    private static String layerName(JsonNode layer) {
        return layer.path("config").path("name").asText(layer.path("name").asText());
    }

    /** config.json as Keras writes it: compact JSON. */
    static byte[] bytes(ObjectNode config) {
        try {
            return new ObjectMapper().writeValueAsBytes(config);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written", e);
        }
    }
}
