package io.gradcam4j.keras;

import io.gradcam4j.engine.Tensor;

import java.util.List;

/** Where a model's weights come from: for each layer name, its weights in Keras order. */
@FunctionalInterface
public interface LayerWeightSource {

    /** The weights of layer {@code layerName}, or an empty list when it has none. */
    List<Tensor> weightsOf(String layerName);
}
