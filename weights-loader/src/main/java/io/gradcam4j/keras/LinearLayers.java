package io.gradcam4j.keras;

import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.ops.BiasAdd;
import io.gradcam4j.engine.ops.Chain;
import io.gradcam4j.engine.ops.Conv2D;
import io.gradcam4j.engine.ops.DepthwiseConv2D;
import io.gradcam4j.engine.ops.MatMul;

import java.util.ArrayList;
import java.util.List;

import static io.gradcam4j.keras.WeightSlot.learned;

/**
 * The layers that multiply by a kernel, add a bias and apply an activation: Conv2D,
 * DepthwiseConv2D, SeparableConv2D, Dense, each a {@link Chain} of those primitive ops.
 */
final class LinearLayers {
    static final List<KerasClass> CLASSES = List.of(
            KerasClass.of("Conv2D", LinearLayers::conv2d)
                    .withWeights(c -> kernelAndBias(c, "kernel"))
                    .withKeras1Names("Convolution2D", "AtrousConvolution2D")
                    .withLegacyWeights(LegacyWeights::convertConvKernel),
            KerasClass.of("DepthwiseConv2D", LinearLayers::depthwiseConv2d)
                    .withWeights(c -> kernelAndBias(c, "depthwise_kernel")),
            KerasClass.of("SeparableConv2D", LinearLayers::separableConv2d)
                    .withWeights(c -> kernelAndBias(c, "depthwise_kernel", "pointwise_kernel"))
                    .withKeras1Names("SeparableConvolution2D"),
            KerasClass.of("Dense", LinearLayers::dense)
                    .withWeights(c -> kernelAndBias(c, "kernel")));

    private LinearLayers() {
    }

    /** The kernels, then the bias unless {@code use_bias} is false. */
    private static List<WeightSlot> kernelAndBias(LayerConfig c, String... kernels) {
        List<WeightSlot> slots = new ArrayList<>();
        for (String kernel : kernels) {
            slots.add(learned(kernel));
        }
        if (c.bool("use_bias", true)) {
            slots.add(learned("bias"));
        }
        return slots;
    }

    private static Op bias(LayerConfig c, LayerWeights w, int channels) {
        return c.bool("use_bias", true) ? new BiasAdd(w.take("bias", channels)) : null;
    }

    private static Padding padding(LayerConfig c) {
        return Padding.parse(c.string("padding", "valid"));
    }

    private static Op conv2d(LayerConfig c, LayerWeights w, KerasOrigin origin) {
        c.requireChannelsLast();
        int filters = c.positiveInteger("filters", -1);
        int[] k = c.positivePair("kernel_size", 1);
        Param kernel = w.take("kernel", k[0], k[1], -1, filters);
        Op conv = new Conv2D(kernel, c.positivePair("strides", 1), c.positivePair("dilation_rate", 1), padding(c));
        return Chain.of(conv, bias(c, w, filters), ActivationLayers.activation(c, origin));
    }

    private static Op depthwiseConv2d(LayerConfig c, LayerWeights w, KerasOrigin origin) {
        c.requireChannelsLast();
        int[] k = c.positivePair("kernel_size", 1);
        int mult = c.positiveInteger("depth_multiplier", 1);
        Param kernel = w.take("depthwise_kernel", k[0], k[1], -1, mult);
        int channels = kernel.value().dim(2) * mult;
        Op conv = new DepthwiseConv2D(kernel, c.positivePair("strides", 1), c.positivePair("dilation_rate", 1), padding(c));
        return Chain.of(conv, bias(c, w, channels), ActivationLayers.activation(c, origin));
    }

    /** SeparableConv2D = depthwise (with the layer's strides and dilation) then a 1x1 conv. */
    private static Op separableConv2d(LayerConfig c, LayerWeights w, KerasOrigin origin) {
        c.requireChannelsLast();
        int[] k = c.positivePair("kernel_size", 1);
        // TF.js leaves depth_multiplier out of SeparableConv2D configs: then the kernel says it.
        int mult = c.positiveInteger("depth_multiplier", -1);
        int filters = c.positiveInteger("filters", -1);
        Param depthwise = w.take("depthwise_kernel", k[0], k[1], -1, mult);
        mult = depthwise.value().dim(3);
        int mid = depthwise.value().dim(2) * mult;
        Param pointwise = w.take("pointwise_kernel", 1, 1, mid, filters);
        int[] one = {1, 1};
        return Chain.of(
                new DepthwiseConv2D(depthwise, c.positivePair("strides", 1), c.positivePair("dilation_rate", 1), padding(c)),
                new Conv2D(pointwise, one, one, Padding.VALID),
                bias(c, w, filters), ActivationLayers.activation(c, origin));
    }

    private static Op dense(LayerConfig c, LayerWeights w, KerasOrigin origin) {
        int units = c.positiveInteger("units", -1);
        Param kernel = w.take("kernel", -1, units);
        return Chain.of(new MatMul(kernel), bias(c, w, units), ActivationLayers.activation(c, origin));
    }
}
