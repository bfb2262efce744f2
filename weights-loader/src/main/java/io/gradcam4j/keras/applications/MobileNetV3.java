package io.gradcam4j.keras.applications;

import java.util.Locale;

/**
 * MobileNetV3 Small and Large as keras.applications defines them (mobilenet_v3.py, Keras 3):
 * inverted residual blocks with optional squeeze-and-excitation, hard_swish in the later blocks,
 * and a 1x1-convolution classifier. The model rescales its own input ({@code x / 127.5 - 1}),
 * so it takes pixels in [0, 255]. The minimalistic variants use 3x3 kernels, ReLU and no
 * squeeze-and-excitation. Keras leaves the activations unnamed ({@code re_lu_N},
 * {@code activation_N}); its hard sigmoid, {@code ReLU(6)(x + 3) * (1 / 6)}, is written here as
 * a Rescaling, a ReLU(6) and a Rescaling (the same numbers).
 */
public final class MobileNetV3 {
    /** Keras's minimum input size. */
    static final int MIN_SIZE = 32;
    private static final double SE_RATIO = 0.25;

    /** Per block: expansion, filters (before alpha), kernel (0: the variant's), stride, squeeze-and-excite, hard_swish. */
    private static final Block[] SMALL = {
        new Block(1, 16, 3, 2, true, false),
        new Block(72.0 / 16, 24, 3, 2, false, false),
        new Block(88.0 / 24, 24, 3, 1, false, false),
        new Block(4, 40, 0, 2, true, true),
        new Block(6, 40, 0, 1, true, true),
        new Block(6, 40, 0, 1, true, true),
        new Block(3, 48, 0, 1, true, true),
        new Block(3, 48, 0, 1, true, true),
        new Block(6, 96, 0, 2, true, true),
        new Block(6, 96, 0, 1, true, true),
        new Block(6, 96, 0, 1, true, true),
    };
    private static final Block[] LARGE = {
        new Block(1, 16, 3, 1, false, false),
        new Block(4, 24, 3, 2, false, false),
        new Block(3, 24, 3, 1, false, false),
        new Block(3, 40, 0, 2, true, false),
        new Block(3, 40, 0, 1, true, false),
        new Block(3, 40, 0, 1, true, false),
        new Block(6, 80, 3, 2, false, true),
        new Block(2.5, 80, 3, 1, false, true),
        new Block(2.3, 80, 3, 1, false, true),
        new Block(2.3, 80, 3, 1, false, true),
        new Block(6, 112, 3, 1, true, true),
        new Block(6, 112, 3, 1, true, true),
        new Block(6, 160, 0, 2, true, true),
        new Block(6, 160, 0, 1, true, true),
        new Block(6, 160, 0, 1, true, true),
    };

    private final FunctionalBuilder m;
    private final boolean minimalistic;

    private MobileNetV3(FunctionalBuilder m, boolean minimalistic) {
        this.m = m;
        this.minimalistic = minimalistic;
    }

    /**
     * @param large Large (last point-wise 1280) or Small (1024)
     * @param alpha width multiplier (Keras publishes weights for 0.75 and 1.0, minimalistic 1.0)
     */
    public static Application build(boolean large, double alpha, boolean minimalistic, boolean includeTop,
                                    int height, int width) {
        String name = "mobilenetv3" + (large ? "large" : "small") + (alpha == 1.0 ? ""
                : String.format(Locale.ROOT, "_%.2f", alpha)) + (minimalistic ? "_minimalistic" : "");
        InputSize.requireAtLeast(name, height, width, MIN_SIZE);
        FunctionalBuilder m = new FunctionalBuilder(large ? "MobileNetV3Large" : "MobileNetV3Small");
        LayerOutput x = new MobileNetV3(m, minimalistic).network(m.input("input_1", height, width, 3),
                large ? LARGE : SMALL, large ? 1280 : 1024, alpha, includeTop);
        return new Application(name, m.build(x), Preprocessing.NONE);
    }

    private LayerOutput network(LayerOutput x, Block[] blocks, int lastPointChannels, double alpha,
                                boolean includeTop) {
        x = m.rescaling(m.autoName("rescaling"), x, new double[] {1.0 / 127.5}, -1.0);
        x = m.conv2d("conv", x, 16, 3, 2, "same", false, "linear");
        x = batchNorm("conv_bn", x);
        x = activation(x, !minimalistic);
        for (int id = 0; id < blocks.length; id++) {
            Block b = blocks[id];
            int kernel = b.kernel() > 0 ? b.kernel() : minimalistic ? 3 : 5;
            x = invertedResidualBlock(x, b.expansion(), depth(b.filters() * alpha), kernel, b.stride(),
                    b.squeezeExcite() && !minimalistic, b.hardSwish() && !minimalistic, id);
        }
        x = m.conv2d("conv_1", x, depth(x.channels() * 6), 1, 1, "same", false, "linear");
        x = batchNorm("conv_1_bn", x);
        x = activation(x, !minimalistic);
        if (includeTop) {
            int lastPoint = alpha > 1.0 ? depth(lastPointChannels * alpha) : lastPointChannels;
            x = m.globalAveragePooling(m.autoName("global_average_pooling2d"), x, true);
            x = m.conv2d("conv_2", x, lastPoint, 1, 1, "same", true, "linear");
            x = activation(x, !minimalistic);
            x = m.dropout(m.autoName("dropout"), x, 0.2);
            x = m.conv2d("logits", x, 1000, 1, 1, "same", true, "linear");
            x = m.flatten(m.autoName("flatten"), x);
            x = m.activation("predictions", x, "softmax");
        }
        return x;
    }

    private LayerOutput invertedResidualBlock(LayerOutput x, double expansion, int filters, int kernel, int stride,
                                              boolean squeezeExcite, boolean hardSwish, int id) {
        LayerOutput shortcut = x;
        String prefix = "expanded_conv_";
        int inFilters = x.channels();
        if (id > 0) {
            prefix = "expanded_conv_" + id + "_";
            x = m.conv2d(prefix + "expand", x, depth(inFilters * expansion), 1, 1, "same", false, "linear");
            x = batchNorm(prefix + "expand_bn", x);
            x = activation(x, hardSwish);
        }
        if (stride == 2) {
            x = CorrectPad.before(m, prefix + "depthwise_pad", x, kernel);
        }
        x = m.depthwiseConv2d(prefix + "depthwise", x, kernel, stride, stride == 1 ? "same" : "valid");
        x = batchNorm(prefix + "depthwise_bn", x);
        x = activation(x, hardSwish);
        if (squeezeExcite) {
            x = squeezeAndExcite(x, depth(inFilters * expansion), prefix);
        }
        x = m.conv2d(prefix + "project", x, filters, 1, 1, "same", false, "linear");
        x = batchNorm(prefix + "project_bn", x);
        if (stride == 1 && inFilters == filters) {
            return m.add(prefix + "add", shortcut, x);
        }
        return x;
    }

    private LayerOutput squeezeAndExcite(LayerOutput inputs, int filters, String prefix) {
        LayerOutput x = m.globalAveragePooling(prefix + "squeeze_excite_avg_pool", inputs, true);
        x = m.conv2d(prefix + "squeeze_excite_conv", x, depth(filters * SE_RATIO), 1, 1, "same", true, "linear");
        x = m.relu(prefix + "squeeze_excite_relu", x);
        x = m.conv2d(prefix + "squeeze_excite_conv_1", x, filters, 1, 1, "same", true, "linear");
        x = hardSigmoid(x);
        return m.multiply(prefix + "squeeze_excite_mul", inputs, x);
    }

    /** Keras 3's {@code hard_sigmoid} of mobilenet_v3.py: {@code ReLU(6)(x + 3) * (1 / 6)}. */
    private LayerOutput hardSigmoid(LayerOutput x) {
        x = m.rescaling(m.autoName("rescaling"), x, new double[] {1.0}, 3.0);
        x = m.relu6(m.autoName("re_lu"), x);
        return m.rescaling(m.autoName("rescaling"), x, new double[] {1.0 / 6.0}, 0.0);
    }

    /** hard_swish as {@code Activation("hard_swish")}, or relu as {@code ReLU()}, both unnamed in Keras. */
    private LayerOutput activation(LayerOutput x, boolean hardSwish) {
        return hardSwish ? m.activation(m.autoName("activation"), x, "hard_swish") : m.relu(m.autoName("re_lu"), x);
    }

    private LayerOutput batchNorm(String name, LayerOutput x) {
        return m.batchNorm(name, x, 1e-3, 0.999, true);
    }

    /** Keras's {@code _depth}: rounded to a multiple of 8. */
    private static int depth(double v) {
        return ChannelRounding.makeDivisible(v, 8);
    }

    private record Block(double expansion, int filters, int kernel, int stride, boolean squeezeExcite,
                         boolean hardSwish) {
    }
}
