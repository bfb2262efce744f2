package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.engine.Tensor;

import java.util.List;

/** Where a model's weights come from: for each layer name, its weights in Keras order. */
@FunctionalInterface
public interface LayerWeightSource {

    /** The weights of layer {@code layerName}, or an empty list when it has none. */
    List<Tensor> weightsOf(String layerName);

    /**
     * The weights of the layers inside a nested model (a model used as a layer). By default the
     * nested model's flat list, as Keras saves it under the outer layer's name, is split among
     * its inner layers in Keras's order.
     */
    default LayerWeightSource nested(String modelName, JsonNode model, KerasLayers layers) {
        return NestedWeights.assign(model, weightsOf(modelName), layers);
    }
}
