package io.gradcam4j.keras;

import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * A layer's weights in the order Keras stores them ({@code get_weights()}), handed out one by
 * one as the layer builder asks for them by name and expected shape. The names and kinds are the
 * ones its {@link KerasClass} row declares: a builder that asks for another weight, or stops
 * before the last, is a mistake in the row, not in the file.
 */
final class LayerWeights {
    private final LayerConfig layer;
    private final List<WeightSlot> declared;
    private final List<Tensor> weights;
    private int next;

    LayerWeights(LayerConfig layer, List<WeightSlot> declared, List<Tensor> weights) {
        this.layer = layer;
        this.declared = declared;
        this.weights = weights;
    }

    /**
     * The next weight as a {@link Param}, trainable or not as its row declares.
     *
     * @param expected the shape the config implies, with -1 where the config does not say (an
     *     input dimension)
     */
    Param take(String name, int... expected) {
        Tensor t = nextWeight(name);
        int[] shape = t.shape();
        boolean fits = shape.length == expected.length;
        for (int i = 0; fits && i < shape.length; i++) {
            fits = expected[i] == -1 || expected[i] == shape[i];
        }
        if (!fits) {
            throw layer.error("weight '" + name + "' has shape " + Arrays.toString(shape)
                    + " but the config implies " + Arrays.toString(expected).replace("-1", "?"));
        }
        return new Param(name, t, declared.get(next - 1).trainable());
    }

    /** The next weight, whatever its shape (e.g. Normalization's count, () or (1,) by version). */
    Param takeAnyShape(String name) {
        Tensor t = nextWeight(name);
        return new Param(name, t, declared.get(next - 1).trainable());
    }

    private Tensor nextWeight(String name) {
        if (next >= declared.size() || !declared.get(next).name().equals(name)) {
            throw new IllegalStateException(layer.className() + " builder asks for weight '" + name + "' as number "
                    + (next + 1) + " but its row declares " + declared);
        }
        if (next >= weights.size()) {
            throw layer.error("expects weight '" + name + "' (number " + (next + 1) + ") but only "
                    + weights.size() + " weights were given");
        }
        return weights.get(next++);
    }

    /** Fails when weights are left over: the file and the config disagree. */
    void requireAllUsed() {
        if (next != declared.size()) {
            throw new IllegalStateException(layer.className() + " builder took " + next + " weights but its row "
                    + "declares " + declared);
        }
        if (next != weights.size()) {
            throw layer.error("has " + weights.size() + " weights but its config uses " + next);
        }
    }
}
