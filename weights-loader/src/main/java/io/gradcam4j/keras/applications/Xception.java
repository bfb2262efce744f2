package io.gradcam4j.keras.applications;

import io.gradcam4j.engine.errors.InvalidRequestException;

/**
 * Xception as keras.applications defines it (xception.py). Keras leaves the residual 1x1
 * convolutions, their BatchNormalizations and the Add layers unnamed; they get Keras's
 * automatic names here ({@code conv2d}, {@code batch_normalization_1}, {@code add_2}...).
 * Weights-only files are matched by layer order, as Keras loads them, so these names never
 * need to equal those of the file.
 */
public final class Xception {
    private Xception() {
    }

    public static Application build(boolean includeTop, int height, int width) {
        if (includeTop && (height != 299 || width != 299)) {
            throw new InvalidRequestException("xception with its classifier top takes 299x299 inputs, got "
                    + height + "x" + width);
        }
        FunctionalBuilder m = new FunctionalBuilder("xception");
        LayerOutput x = m.input("input_1", height, width, 3);
        x = m.conv2d("block1_conv1", x, 32, 3, 2, "valid", false, "linear");
        x = m.batchNorm("block1_conv1_bn", x);
        x = m.activation("block1_conv1_act", x, "relu");
        x = m.conv2d("block1_conv2", x, 64, 3, 1, "valid", false, "linear");
        x = m.batchNorm("block1_conv2_bn", x);
        x = m.activation("block1_conv2_act", x, "relu");

        x = entryBlock(m, x, 2, 128, false);
        x = entryBlock(m, x, 3, 256, true);
        x = entryBlock(m, x, 4, 728, true);
        for (int b = 5; b <= 12; b++) {
            x = middleBlock(m, x, b);
        }
        LayerOutput residual = shortcut(m, x, 1024);
        x = m.activation("block13_sepconv1_act", x, "relu");
        x = m.separableConv2d("block13_sepconv1", x, 728, 3);
        x = m.batchNorm("block13_sepconv1_bn", x);
        x = m.activation("block13_sepconv2_act", x, "relu");
        x = m.separableConv2d("block13_sepconv2", x, 1024, 3);
        x = m.batchNorm("block13_sepconv2_bn", x);
        x = m.maxPool("block13_pool", x, 3, 2, "same");
        x = m.add(m.autoName("add"), x, residual);

        x = m.separableConv2d("block14_sepconv1", x, 1536, 3);
        x = m.batchNorm("block14_sepconv1_bn", x);
        x = m.activation("block14_sepconv1_act", x, "relu");
        x = m.separableConv2d("block14_sepconv2", x, 2048, 3);
        x = m.batchNorm("block14_sepconv2_bn", x);
        x = m.activation("block14_sepconv2_act", x, "relu");
        if (includeTop) {
            x = m.globalAveragePooling("avg_pool", x, false);
            x = m.dense("predictions", x, 1000, "softmax");
        }
        return new Application("xception", m.build(x), Preprocessing.TF);
    }

    /** Blocks 2-4: strided 1x1 shortcut, two separable convolutions, max pooling, add. */
    private static LayerOutput entryBlock(FunctionalBuilder m, LayerOutput x, int block, int filters,
                                          boolean reluFirst) {
        LayerOutput residual = shortcut(m, x, filters);
        String p = "block" + block;
        if (reluFirst) {
            x = m.activation(p + "_sepconv1_act", x, "relu");
        }
        x = m.separableConv2d(p + "_sepconv1", x, filters, 3);
        x = m.batchNorm(p + "_sepconv1_bn", x);
        x = m.activation(p + "_sepconv2_act", x, "relu");
        x = m.separableConv2d(p + "_sepconv2", x, filters, 3);
        x = m.batchNorm(p + "_sepconv2_bn", x);
        x = m.maxPool(p + "_pool", x, 3, 2, "same");
        return m.add(m.autoName("add"), x, residual);
    }

    /** Blocks 5-12: three relu-separable-BN steps around an identity shortcut. */
    private static LayerOutput middleBlock(FunctionalBuilder m, LayerOutput x, int block) {
        LayerOutput residual = x;
        String p = "block" + block;
        for (int i = 1; i <= 3; i++) {
            x = m.activation(p + "_sepconv" + i + "_act", x, "relu");
            x = m.separableConv2d(p + "_sepconv" + i, x, 728, 3);
            x = m.batchNorm(p + "_sepconv" + i + "_bn", x);
        }
        return m.add(m.autoName("add"), x, residual);
    }

    private static LayerOutput shortcut(FunctionalBuilder m, LayerOutput x, int filters) {
        LayerOutput r = m.conv2d(m.autoName("conv2d"), x, filters, 1, 2, "same", false, "linear");
        return m.batchNorm(m.autoName("batch_normalization"), r);
    }
}
