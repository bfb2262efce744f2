package io.gradcam4j.keras.applications;

import java.util.Locale;

/**
 * MobileNetV2 as keras.applications defines it (mobilenet_v2.py): inverted residual blocks
 * (1x1 expansion, 3x3 depthwise, linear 1x1 projection, an {@code Add} when the shape allows),
 * ReLU6 everywhere, widths {@code alpha * filters} rounded to multiples of 8 except the last
 * convolution (1280, more only for alpha above 1). A stride-2 depthwise convolution is preceded
 * by Keras's {@code correct_pad} zero padding and runs {@code valid}.
 */
public final class MobileNetV2 {
    /** Keras's {@code min_size}. */
    static final int MIN_SIZE = 32;

    /** Per block: expansion, output filters (before alpha), stride. */
    private static final int[][] BLOCKS = {
        {1, 16, 1},
        {6, 24, 2}, {6, 24, 1},
        {6, 32, 2}, {6, 32, 1}, {6, 32, 1},
        {6, 64, 2}, {6, 64, 1}, {6, 64, 1}, {6, 64, 1},
        {6, 96, 1}, {6, 96, 1}, {6, 96, 1},
        {6, 160, 2}, {6, 160, 1}, {6, 160, 1},
        {6, 320, 1},
    };

    private MobileNetV2() {
    }

    public static Application build(double alpha, int height, int width, boolean includeTop) {
        String name = String.format(Locale.ROOT, "mobilenetv2_%.2f_%d", alpha, height);
        InputSize.requireAtLeast(name, height, width, MIN_SIZE);
        FunctionalBuilder m = new FunctionalBuilder(name);
        LayerOutput x = m.input("input_1", height, width, 3);
        x = m.conv2d("Conv1", x, ChannelRounding.makeDivisible(32 * alpha, 8), 3, 2, "same", false, "linear");
        x = batchNorm(m, "bn_Conv1", x);
        x = m.relu6("Conv1_relu", x);
        for (int id = 0; id < BLOCKS.length; id++) {
            x = invertedResidualBlock(m, x, BLOCKS[id][0], BLOCKS[id][1], alpha, BLOCKS[id][2], id);
        }
        int lastFilters = alpha > 1.0 ? ChannelRounding.makeDivisible(1280 * alpha, 8) : 1280;
        x = m.conv2d("Conv_1", x, lastFilters, 1, 1, "valid", false, "linear");
        x = batchNorm(m, "Conv_1_bn", x);
        x = m.relu6("out_relu", x);
        if (includeTop) {
            x = m.globalAveragePooling(m.autoName("global_average_pooling2d"), x, false);
            x = m.dense("predictions", x, 1000, "softmax");
        }
        return new Application(name, m.build(x), Preprocessing.TF);
    }

    private static LayerOutput invertedResidualBlock(FunctionalBuilder m, LayerOutput inputs, int expansion,
                                                     int filters, double alpha, int stride, int id) {
        int inChannels = inputs.channels();
        int pointwiseFilters = ChannelRounding.makeDivisible((int) (filters * alpha), 8);
        LayerOutput x = inputs;
        String prefix = "expanded_conv_";
        if (id > 0) {
            prefix = "block_" + id + "_";
            x = m.conv2d(prefix + "expand", x, expansion * inChannels, 1, 1, "same", false, "linear");
            x = batchNorm(m, prefix + "expand_BN", x);
            x = m.relu6(prefix + "expand_relu", x);
        }
        if (stride == 2) {
            x = CorrectPad.before(m, prefix + "pad", x, 3);
        }
        x = m.depthwiseConv2d(prefix + "depthwise", x, 3, stride, stride == 1 ? "same" : "valid");
        x = batchNorm(m, prefix + "depthwise_BN", x);
        x = m.relu6(prefix + "depthwise_relu", x);
        x = m.conv2d(prefix + "project", x, pointwiseFilters, 1, 1, "same", false, "linear");
        x = batchNorm(m, prefix + "project_BN", x);
        if (inChannels == pointwiseFilters && stride == 1) {
            return m.add(prefix + "add", inputs, x);
        }
        return x;
    }

    private static LayerOutput batchNorm(FunctionalBuilder m, String name, LayerOutput x) {
        return m.batchNorm(name, x, 1e-3, 0.999, true);
    }
}
