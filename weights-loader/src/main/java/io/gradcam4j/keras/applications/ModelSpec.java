package io.gradcam4j.keras.applications;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * An architecture written in Java: its Keras {@code model_config} (what Keras would save for it)
 * and, for each layer with weights, the weights' names and shapes in Keras order. The layers are
 * listed in the order Keras lists them, which is the order weights-only files store them.
 */
public record ModelSpec(JsonNode modelConfig, int[] inputShape, List<String> layerOrder,
                        Map<String, List<WeightSpec>> weights) {
}
