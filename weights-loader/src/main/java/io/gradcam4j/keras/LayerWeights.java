package io.gradcam4j.keras;

import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * A layer's weights in the order Keras stores them ({@code get_weights()}), handed out one by
 * one as the layer builder asks for them by name and expected shape.
 */
final class LayerWeights {
    private final LayerConfig layer;
    private final List<Tensor> weights;
    private int next;

    LayerWeights(LayerConfig layer, List<Tensor> weights) {
        this.layer = layer;
        this.weights = weights;
    }

    /**
     * The next weight as a {@link Param}.
     *
     * @param expected the shape the config implies, with -1 where the config does not say (an
     *     input dimension)
     */
    Param take(String name, boolean trainable, int... expected) {
        if (next >= weights.size()) {
            throw layer.error("expects weight '" + name + "' (number " + (next + 1) + ") but only "
                    + weights.size() + " weights were given");
        }
        Tensor t = weights.get(next++);
        int[] shape = t.shape();
        boolean fits = shape.length == expected.length;
        for (int i = 0; fits && i < shape.length; i++) {
            fits = expected[i] == -1 || expected[i] == shape[i];
        }
        if (!fits) {
            throw layer.error("weight '" + name + "' has shape " + Arrays.toString(shape)
                    + " but the config implies " + Arrays.toString(expected).replace("-1", "?"));
        }
        return new Param(name, t, trainable);
    }

    /** The next weight, whatever its shape (e.g. Normalization's count, () or (1,) by version). */
    Param takeAnyShape(String name, boolean trainable) {
        if (next >= weights.size()) {
            throw layer.error("expects weight '" + name + "' (number " + (next + 1) + ") but only "
                    + weights.size() + " weights were given");
        }
        return new Param(name, weights.get(next++), trainable);
    }

    /** Fails when weights are left over: the file and the config disagree. */
    void requireAllUsed() {
        if (next != weights.size()) {
            throw layer.error("has " + weights.size() + " weights but its config uses " + next);
        }
    }
}
