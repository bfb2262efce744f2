package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.engine.errors.InvalidRequestException;

import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks the {@code config.json} of a Keras v3 archive before {@link ModelConfigReader} builds it.
 * That file is Keras's {@code serialize_keras_object} tree: every object is
 * {@code {"module", "class_name", "config", "registered_name"}} (plus {@code build_config} and,
 * at the top, {@code compile_config}), functional layers name their inputs as
 * {@code {"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": [layer, node, tensor]}}], "kwargs": {}}},
 * and dtypes are {@code DTypePolicy} objects. {@link ModelConfigReader} already reads those
 * spellings (and the Keras 2 ones of archives written by tf.keras 2.13-2.15); what is left is
 * what Keras's own loader decides from the serialization: which classes are Keras's own.
 *
 * <p>Refused, naming the layer and the class:
 * <ul>
 *   <li>custom classes: Keras resolves a class from its {@code module} and {@code registered_name}
 *       ({@code serialization_lib._retrieve_class_or_fn}); a class is Keras's own when its module
 *       is {@code keras} or {@code keras.*} ({@code tf_keras.*} for tf.keras) and it has no
 *       registered name other than its class name. Anything else (a user's
 *       {@code @register_keras_serializable} class, a class from {@code __main__}, a subclassed
 *       model) is Python code; the caller may supply a Java op for such a layer by name;</li>
 *   <li>custom activation functions, for the same reason;</li>
 *   <li>dtype policies whose variables this reader cannot hold (quantized int8/int4/float8,
 *       bfloat16 variables). Mixed precision stores float32 variables and is computed here in
 *       float32.</li>
 * </ul>
 * A config whose layer names repeat within one model is damaged: Keras requires them unique, and
 * the weights are found by position among them. A Java op supplied for a layer name the model
 * does not have is an invalid request.
 */
final class Keras3Config {
    /** Dtype policies whose variables are IEEE floats that the HDF5 reader converts to float32. */
    private static final Set<String> FLOAT_POLICIES = Set.of("float32", "float16", "float64", "mixed_float16",
            "mixed_bfloat16");

    private final String file;
    private final Set<String> supplied;
    /** Every layer name met, nested models' included: supplied ops are matched by name. */
    private final Set<String> layerNames = new TreeSet<>();

    private Keras3Config(String file, Set<String> supplied) {
        this.file = file;
        this.supplied = supplied;
    }

    /**
     * @param config   the parsed {@code config.json}
     * @param supplied names of the layers the caller implements in Java (Lambda or custom classes)
     * @param file     the archive's name, for messages
     */
    static void check(JsonNode config, Set<String> supplied, String file) {
        Keras3Config check = new Keras3Config(file, supplied);
        check.checkModel(config, "the model");
        check.requireSuppliedLayersExist();
    }

    /** A Java op supplied for a layer the model does not have is a mistake in the request (a misspelt name). */
    private void requireSuppliedLayersExist() {
        Set<String> unknown = new TreeSet<>(supplied);
        unknown.removeAll(layerNames);
        if (!unknown.isEmpty()) {
            throw new InvalidRequestException(file + ": Java ops were supplied for layers the model does not have: "
                    + unknown + " (its layers: " + (layerNames.size() <= 30 ? layerNames
                    : String.join(", ", layerNames.stream().limit(30).toList()) + ", ...") + ")");
        }
    }

    private void checkModel(JsonNode model, String where) {
        String cls = model.path("class_name").asText();
        if (!ModelConfigReader.isModel(model) || !isBuiltIn(model)) {
            throw new UnsupportedKerasFeatureException(file + ": config.json: " + where + " is of class '" + cls
                    + "'" + origin(model) + ", not Keras's own Sequential or Functional: a subclassed model's "
                    + "architecture is Python code, which gradcam4j cannot rebuild");
        }
        Set<String> names = new HashSet<>();
        for (JsonNode layer : ModelConfigReader.layersOf(model)) {
            String name = layer.path("config").path("name").asText(layer.path("name").asText());
            layerNames.add(name);
            if (!names.add(name)) {
                throw new KerasFormatException(file + ": config.json: " + where + " has two layers named '" + name
                        + "' (Keras requires layer names to be unique)");
            }
            if (ModelConfigReader.isModel(layer)) {
                checkModel(layer, "nested model '" + name + "'");
            } else {
                checkLayer(layer, name);
            }
        }
    }

    private void checkLayer(JsonNode layer, String name) {
        if (supplied.contains(name)) {
            return;                     // the caller's Java op stands for it, whatever it is
        }
        String cls = layer.path("class_name").asText();
        if (!isBuiltIn(layer)) {
            throw new UnsupportedKerasFeatureException(file + ": layer '" + name + "' is of custom class '" + cls + "'"
                    + origin(layer) + ", which is Python code gradcam4j never runs; supply a Java op for it by layer "
                    + "name (KerasModelFile.loadModel(file, Map.of(\"" + name + "\", op)))");
        }
        JsonNode config = layer.path("config");
        JsonNode activation = config.path("activation");
        if (activation.isObject() && !isBuiltIn(activation)) {
            throw new UnsupportedKerasFeatureException(file + ": layer '" + name + "' (" + cls + ") uses the custom "
                    + "activation '" + activation.path("config").asText(activation.path("class_name").asText()) + "'"
                    + origin(activation) + ", which is Python code gradcam4j never runs");
        }
        // an InputLayer's dtype is the input's (uint8 images are common), not a policy for variables
        String policy = cls.equals("InputLayer") ? null : dtypePolicy(config.path("dtype"));
        if (policy != null && !FLOAT_POLICIES.contains(policy)) {
            throw new UnsupportedKerasFeatureException(file + ": layer '" + name + "' (" + cls + ") uses the dtype "
                    + "policy '" + policy + "' (" + config.path("dtype").path("class_name").asText("a string") + "): "
                    + "only float32, float16 and float64 variables (and mixed precision) are supported");
        }
    }

    /**
     * Keras's own rule: a class (or function) is built in when its module is Keras's, and its
     * registered name, if any, is its own name (the class name; for a function, Keras writes the
     * function's name). Configs written before Keras serialized modules (tf.keras up to 2.12)
     * name neither: built in. Keras 3.0 wrote built-in functions with module {@code builtins}.
     */
    static boolean isBuiltIn(JsonNode object) {
        JsonNode module = object.get("module");
        JsonNode registered = object.get("registered_name");
        boolean named = registered != null && !registered.isNull();
        if (module == null || module.isNull()) {
            return !named;      // Keras writes module null for classes defined in __main__
        }
        String m = module.asText();
        String cls = object.path("class_name").asText();
        boolean function = cls.equals("function");
        boolean kerasModule = m.equals("keras") || m.startsWith("keras.") || m.equals("tf_keras")
                || m.startsWith("tf_keras.") || (function && m.equals("builtins"));
        String own = registered == null ? "" : registered.asText();
        return kerasModule && (!named || own.equals(cls) || (function && own.equals(object.path("config").asText())));
    }

    /** The policy's name: a string (Keras 3.0-3.1) or a DTypePolicy object; null when absent. */
    private static String dtypePolicy(JsonNode dtype) {
        if (dtype.isTextual()) {
            return dtype.asText();
        }
        JsonNode name = dtype.path("config").path("name");
        return name.isTextual() ? name.asText() : null;
    }

    /** Where Keras would look the class up: its registered name and module, as the config gives them. */
    private static String origin(JsonNode object) {
        JsonNode module = object.path("module");
        JsonNode registered = object.path("registered_name");
        return (registered.isTextual() ? " (registered as '" + registered.asText() + "')" : "")
                + (module.isMissingNode() ? "" : " from module " + module);
    }
}
