package io.gradcam4j.keras;

import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.ops.BatchNorm;
import io.gradcam4j.engine.ops.Rescaling;

import java.util.ArrayList;
import java.util.List;

import static io.gradcam4j.keras.WeightSlot.learned;
import static io.gradcam4j.keras.WeightSlot.statistic;

/** The layers that shift and scale each channel: BatchNormalization, Normalization, Rescaling. */
final class NormalizationLayers {
    static final List<KerasClass> CLASSES = List.of(
            KerasClass.of("BatchNormalization", (c, w, o) -> batchNormalization(c, w))
                    .withWeights(NormalizationLayers::batchNormWeights),
            KerasClass.of("Normalization", (c, w, o) -> normalization(c, w))
                    .withWeights(c -> statisticsInConfig(c) ? List.of()
                            : List.of(statistic("mean"), statistic("variance"), statistic("count"))),
            KerasClass.of("Rescaling", (c, w, o) -> new Rescaling(c.numbers("scale", 1f), c.numbers("offset", 0f))));

    private NormalizationLayers() {
    }

    /** gamma unless {@code scale} is false, beta unless {@code center} is false, then the moving statistics. */
    private static List<WeightSlot> batchNormWeights(LayerConfig c) {
        List<WeightSlot> slots = new ArrayList<>();
        if (c.bool("scale", true)) {
            slots.add(learned("gamma"));
        }
        if (c.bool("center", true)) {
            slots.add(learned("beta"));
        }
        slots.add(statistic("moving_mean"));
        slots.add(statistic("moving_variance"));
        return slots;
    }

    private static Op batchNormalization(LayerConfig c, LayerWeights w) {
        int axis = axisOf(c);
        if (axis == 1) {
            // channels_first BatchNormalization of an NCHW tensor: normalize it as NHWC.
            return ChannelsFirst.wrap(batchNormOverLastAxis(c, w), false);
        }
        if (axis != -1 && axis != 3) {
            throw c.error("normalizes axis " + axis + "; only the channel axis (-1, 3, or 1 for channels_first)"
                    + " is supported");
        }
        return batchNormOverLastAxis(c, w);
    }

    private static Op batchNormOverLastAxis(LayerConfig c, LayerWeights w) {
        if (c.integer("mode", 0) != 0) {
            // Keras 1 modes 1 and 2 normalize with batch statistics even at inference.
            throw c.unsupported("Keras 1 BatchNormalization mode " + c.integer("mode", 0) + " is not supported (mode 0)");
        }
        Param gamma = c.bool("scale", true) ? w.take("gamma", -1) : null;
        Param beta = c.bool("center", true) ? w.take("beta", -1) : null;
        Param mean = w.take("moving_mean", -1);
        Param variance = w.take("moving_variance", -1);
        return new BatchNorm(gamma, beta, mean, variance, c.numberIn("epsilon", 1e-3f, 0f, true, Float.POSITIVE_INFINITY),
                c.number("momentum", 0.99f));
    }

    private static int axisOf(LayerConfig c) {
        int[] axes = c.integers("axis");
        if (axes.length == 0) {
            return -1;
        }
        if (axes.length != 1) {
            throw c.error("normalizes several axes; only one channel axis is supported");
        }
        return axes[0];
    }

    /** Normalization built with {@code mean} and {@code variance} arguments, rather than adapted. */
    private static boolean statisticsInConfig(LayerConfig c) {
        return c.has("mean") && c.has("variance");
    }

    /**
     * Keras Normalization: {@code (x - mean) / max(sqrt(variance), 1e-7)} per channel (or the
     * inverse with {@code invert}), the statistics from the config or the adapted weights
     * (mean, variance, count), folded into the constants of a {@link Rescaling}.
     */
    private static Op normalization(LayerConfig c, LayerWeights w) {
        float[] mean;
        float[] variance;
        if (statisticsInConfig(c)) {
            mean = c.numbers("mean", 0f);
            variance = c.numbers("variance", 1f);
        } else {
            mean = w.take("mean", -1).value().data();
            variance = w.takeAnyShape("variance").value().data();
            w.takeAnyShape("count");
        }
        if (mean.length != variance.length) {
            throw c.error("mean has " + mean.length + " values but variance " + variance.length);
        }
        float[] scale = new float[mean.length];
        float[] offset = new float[mean.length];
        boolean invert = c.bool("invert", false);
        for (int i = 0; i < mean.length; i++) {
            float std = (float) Math.max(Math.sqrt(variance[i]), 1e-7);
            scale[i] = invert ? std : 1f / std;
            offset[i] = invert ? mean[i] : -mean[i] / std;
        }
        return new Rescaling(scale, offset);
    }
}
