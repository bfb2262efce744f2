package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Tensor;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Everything gradcam4j knows about one Keras layer class, as one row of {@link KerasLayers}'s
 * table: the weights it owns (read from its config, in Keras order), how its engine op is built,
 * and how older files spell it (Keras 1 class names and config quirks, the weight conversions of
 * Keras's legacy loader). Adding a layer class is adding one row; the builder takes its weights by
 * the names the row declares, so the two cannot drift apart.
 *
 * @param name        the Keras class name, e.g. {@code Conv2D}
 * @param weights     the weights a layer of this class owns, given its config
 * @param builder     the engine op for a layer of this class
 * @param keras1Names the names Keras 1 gave this class, e.g. {@code Convolution2D}
 * @param keras1Config what this class's Keras 1 config needs beyond the renames all classes share
 *                    ({@link Keras1Config})
 * @param legacyWeights the conversion Keras's legacy loader applies to this class's stored weights
 * @param flatOutput  the output is not an image (Flatten, global pooling): a {@code channels_first}
 *                    layer of this class is not transposed back to NCHW
 */
record KerasClass(String name, Weights weights, Builder builder, List<String> keras1Names,
                  UnaryOperator<ObjectNode> keras1Config, LegacyConversion legacyWeights, boolean flatOutput) {

    /** The weights a layer owns, in Keras order, as its config says (e.g. no bias with {@code use_bias: false}). */
    @FunctionalInterface
    interface Weights {
        List<WeightSlot> of(LayerConfig config);
    }

    /** Builds the op; takes the weights from {@code weights} by the names the row declares. */
    @FunctionalInterface
    interface Builder {
        Op build(LayerConfig config, LayerWeights weights, KerasOrigin origin);
    }

    /** Rewrites the stored weights as Keras's legacy loader did ({@code preprocess_weights_for_loading}). */
    @FunctionalInterface
    interface LegacyConversion {
        List<Tensor> convert(LayerConfig config, List<Tensor> weights, KerasOrigin origin);
    }

    /** A class without weights. */
    static KerasClass of(String name, Builder builder) {
        return new KerasClass(name, c -> List.of(), builder, List.of(), c -> c, (c, w, o) -> w, false);
    }

    KerasClass withWeights(Weights owned) {
        return new KerasClass(name, owned, builder, keras1Names, keras1Config, legacyWeights, flatOutput);
    }

    KerasClass withKeras1Names(String... names) {
        return new KerasClass(name, weights, builder, List.of(names), keras1Config, legacyWeights, flatOutput);
    }

    KerasClass withKeras1Config(UnaryOperator<ObjectNode> upgrade) {
        return new KerasClass(name, weights, builder, keras1Names, upgrade, legacyWeights, flatOutput);
    }

    KerasClass withLegacyWeights(LegacyConversion conversion) {
        return new KerasClass(name, weights, builder, keras1Names, keras1Config, conversion, flatOutput);
    }

    KerasClass withFlatOutput() {
        return new KerasClass(name, weights, builder, keras1Names, keras1Config, legacyWeights, true);
    }
}
