package io.gradcam4j.keras;

import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.ops.Activation;
import io.gradcam4j.engine.ops.Elu;
import io.gradcam4j.engine.ops.Identity;
import io.gradcam4j.engine.ops.PRelu;
import io.gradcam4j.engine.ops.Relu;
import io.gradcam4j.engine.ops.Softmax;

import java.util.Arrays;
import java.util.List;

import static io.gradcam4j.keras.WeightSlot.learned;

/** The activation layers: {@code Activation} by name, and the layer classes of one activation each. */
final class ActivationLayers {
    static final List<KerasClass> CLASSES = List.of(
            KerasClass.of("Activation", ActivationLayers::activationLayer),
            KerasClass.of("ReLU", (c, w, o) -> relu(c)),
            KerasClass.of("LeakyReLU", (c, w, o) -> leakyRelu(c)),
            KerasClass.of("PReLU", (c, w, o) -> prelu(c, w))
                    .withWeights(c -> List.of(learned("alpha"))),
            KerasClass.of("ELU", (c, w, o) -> new Elu(c.number("alpha", 1f))),
            KerasClass.of("Softmax", (c, w, o) -> softmax(c)),
            KerasClass.of("ThresholdedReLU", (c, w, o) -> new Relu(Float.POSITIVE_INFINITY, 0f, c.number("theta", 1f))));

    private ActivationLayers() {
    }

    /**
     * The op of a layer's {@code activation} argument (null for linear); {@code hard_sigmoid} is
     * Keras 2's or Keras 3's by the file's version.
     */
    static Op activation(LayerConfig c, KerasOrigin origin) {
        try {
            return Activation.byName(c.activation(), origin.isKeras3());
        } catch (IllegalArgumentException e) {
            throw c.error(e.getMessage());
        }
    }

    private static Op activationLayer(LayerConfig c, LayerWeights w, KerasOrigin origin) {
        Op op = activation(c, origin);
        return op != null ? op : new Identity("linear activation");
    }

    private static Op relu(LayerConfig c) {
        float max = c.has("max_value") ? c.number("max_value", 0f) : Float.POSITIVE_INFINITY;
        return new Relu(max, c.number("negative_slope", 0f), c.number("threshold", 0f));
    }

    private static Op leakyRelu(LayerConfig c) {
        // Keras 2 calls the slope alpha (default 0.3); Keras 3 negative_slope (same default).
        float slope = c.has("negative_slope") ? c.number("negative_slope", 0.3f) : c.number("alpha", 0.3f);
        return Relu.leaky(slope);
    }

    private static Op prelu(LayerConfig c, LayerWeights w) {
        // alpha's shape is the input's without the batch axis: not known from the config alone.
        Param alpha = w.take("alpha", -1, -1, -1);
        int[] shared = c.integers("shared_axes");
        for (int axis : shared) {
            if (axis < 1 || axis > 3 || alpha.value().dim(axis - 1) != 1) {
                throw c.error("shared axis " + axis + " does not match alpha " + alpha.value());
            }
        }
        return new PRelu(alpha);
    }

    private static Op softmax(LayerConfig c) {
        int[] axes = c.integers("axis");
        if (axes.length > 1 || (axes.length == 1 && axes[0] != -1)) {
            throw c.unsupported("softmax over axis " + Arrays.toString(axes) + " is not supported; only -1");
        }
        return new Softmax();
    }
}
