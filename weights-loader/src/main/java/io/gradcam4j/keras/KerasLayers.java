package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Tensor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Turns one Keras layer (class name, config, weights in Keras order) into an engine op with
 * Keras's semantics. Each supported class is one {@link KerasClass} row (its weights, its op
 * builder, its legacy spellings), grouped by family: {@link LinearLayers},
 * {@link NormalizationLayers}, {@link ActivationLayers}, {@link PoolingLayers},
 * {@link ReshapingLayers}, {@link MergeLayers}, {@link TrainingOnlyLayers}.
 */
public final class KerasLayers {
    /** Every supported class by its name, sorted. */
    private static final Map<String, KerasClass> CLASSES = new TreeMap<>();
    /** The same rows by the names Keras 1 gave them. */
    private static final Map<String, KerasClass> KERAS1_NAMES = new HashMap<>();

    static {
        Stream.of(LinearLayers.CLASSES, NormalizationLayers.CLASSES, ActivationLayers.CLASSES, PoolingLayers.CLASSES,
                ReshapingLayers.CLASSES, MergeLayers.CLASSES, TrainingOnlyLayers.CLASSES).flatMap(List::stream)
                .forEach(KerasLayers::add);
    }

    private final KerasOrigin origin;
    private final Map<String, Op> lambdas = new HashMap<>();

    /** @param origin which Keras (and backend) wrote the configs and weights */
    public KerasLayers(KerasOrigin origin) {
        this.origin = origin;
    }

    private static void add(KerasClass row) {
        if (CLASSES.put(row.name(), row) != null) {
            throw new IllegalStateException("two rows for " + row.name());
        }
        row.keras1Names().forEach(old -> KERAS1_NAMES.put(old, row));
    }

    /**
     * Supplies the Java implementation of a {@code Lambda} layer, or of a layer of a custom class
     * (Keras 3's {@code registered_name}), by layer name: the op then stands for that layer,
     * whatever its class, and brings its own weights. Without one, a Lambda or custom layer is
     * refused: its Python code is never executed.
     */
    public KerasLayers withLambda(String layerName, Op implementation) {
        lambdas.put(layerName, implementation);
        return this;
    }

    public KerasOrigin origin() {
        return origin;
    }

    /**
     * Which weights a layer owns, in Keras order: {@code true} for a trainable kind (kernel, bias,
     * gamma, beta, alpha), {@code false} for a statistic (moving_mean, moving_variance, the
     * Normalization state). Needed to split the flat weight list of a nested model, which Keras
     * saves as all trainable weights first, then all the others.
     */
    public List<Boolean> weightKinds(String className, JsonNode config) {
        return weights(className, config).stream().map(WeightSlot::trainable).toList();
    }

    /** The weights a layer of this class and config owns, in Keras order; none for a class not supported. */
    List<WeightSlot> weights(String className, JsonNode config) {
        KerasClass row = row(className);
        return row == null ? List.of() : row.weights().of(new LayerConfig(row.name(), config(row, config)));
    }

    /** The class names this factory builds, sorted. */
    public List<String> supportedClasses() {
        return List.copyOf(CLASSES.keySet());
    }

    /**
     * @param className Keras class name, e.g. {@code Conv2D}
     * @param config the layer's config object from {@code model_config}
     * @param weights the layer's weights in Keras order
     */
    public Op create(String className, JsonNode config, List<Tensor> weights) {
        KerasClass row = row(className);
        LayerConfig c = new LayerConfig(row != null ? row.name() : className, config(row, config));
        Op supplied = lambdas.get(c.layerName());
        if (supplied != null) {
            return supplied;            // the caller's Java op: a Lambda, or a layer of a custom class
        }
        if (className.equals("Lambda")) {
            throw c.unsupported("a Lambda layer holds Python code, which gradcam4j never executes; supply a Java "
                    + "implementation with KerasLayers.withLambda(\"" + c.layerName() + "\", op)");
        }
        if (row == null) {
            throw c.unsupported("unsupported layer class; supported: " + String.join(", ", CLASSES.keySet()));
        }
        LayerWeights w = new LayerWeights(c, row.weights().of(c), row.legacyWeights().convert(c, weights, origin));
        boolean channelsFirst = c.string("data_format", "channels_last").equals("channels_first");
        Op op;
        try {
            op = row.builder().build(channelsFirst ? c.asChannelsLast() : c, w, origin);
        } catch (IllegalArgumentException e) {
            throw c.error(e.getMessage());
        }
        w.requireAllUsed();
        // keepdims (global pooling) keeps an image of 1x1: it goes back to channels_first like any image
        return channelsFirst ? ChannelsFirst.wrap(op, row.flatOutput() && !c.bool("keepdims", false)) : op;
    }

    /** The row of a class name as this file's Keras spells it, or null. */
    private KerasClass row(String className) {
        KerasClass keras1 = origin.isKeras1() ? KERAS1_NAMES.get(className) : null;
        return keras1 != null ? keras1 : CLASSES.get(className);
    }

    /** The config in Keras 2 terms (Keras 1's are rewritten: the shared renames, then the row's own). */
    private JsonNode config(KerasClass row, JsonNode config) {
        if (!origin.isKeras1()) {
            return config;
        }
        return row == null ? Keras1Config.upgrade(config) : row.keras1Config().apply(Keras1Config.upgrade(config));
    }
}
