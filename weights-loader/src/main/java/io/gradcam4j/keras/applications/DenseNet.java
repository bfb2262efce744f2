package io.gradcam4j.keras.applications;

/**
 * DenseNet121/169/201 as keras.applications defines them (densenet.py): dense blocks whose conv
 * blocks (BN, ReLU, 1x1 conv to 128, BN, ReLU, 3x3 conv to 32) each concatenate 32 new channels
 * to their input, and transition blocks (BN, ReLU, 1x1 conv halving the channels, 2x2 average
 * pooling) between them. BatchNormalization epsilon is 1.001e-5; the two zero paddings are
 * unnamed in Keras.
 */
public final class DenseNet {
    /** Keras's {@code min_size}. */
    static final int MIN_SIZE = 32;
    private static final double EPSILON = 1.001e-5;
    private static final int GROWTH_RATE = 32;

    private DenseNet() {
    }

    /** @param depth 121, 169 or 201 */
    public static Application build(int depth, boolean includeTop, int height, int width) {
        int[] blocks = switch (depth) {
            case 121 -> new int[] {6, 12, 24, 16};
            case 169 -> new int[] {6, 12, 32, 32};
            case 201 -> new int[] {6, 12, 48, 32};
            default -> throw new IllegalArgumentException("no DenseNet of depth " + depth + " (121, 169, 201)");
        };
        String name = "densenet" + depth;
        InputSize.requireAtLeast(name, height, width, MIN_SIZE);
        FunctionalBuilder m = new FunctionalBuilder(name);
        LayerOutput x = m.input("input_1", height, width, 3);
        x = m.zeroPadding(m.autoName("zero_padding2d"), x, 3, 3, 3, 3);
        x = m.conv2d("conv1_conv", x, 64, 7, 2, "valid", false, "linear");
        x = batchNorm(m, "conv1_bn", x);
        x = m.activation("conv1_relu", x, "relu");
        x = m.zeroPadding(m.autoName("zero_padding2d"), x, 1, 1, 1, 1);
        x = m.maxPool("pool1", x, 3, 2, "valid");
        for (int i = 0; i < 4; i++) {
            x = denseBlock(m, x, blocks[i], "conv" + (i + 2));
            if (i < 3) {
                x = transitionBlock(m, x, "pool" + (i + 2));
            }
        }
        x = batchNorm(m, "bn", x);
        x = m.activation("relu", x, "relu");
        if (includeTop) {
            x = m.globalAveragePooling("avg_pool", x, false);
            x = m.dense("predictions", x, 1000, "softmax");
        }
        return new Application(name, m.build(x), Preprocessing.TORCH);
    }

    private static LayerOutput denseBlock(FunctionalBuilder m, LayerOutput x, int blocks, String name) {
        for (int i = 1; i <= blocks; i++) {
            x = convBlock(m, x, name + "_block" + i);
        }
        return x;
    }

    /** Concatenates {@link #GROWTH_RATE} new channels to its input. */
    private static LayerOutput convBlock(FunctionalBuilder m, LayerOutput x, String name) {
        LayerOutput x1 = batchNorm(m, name + "_0_bn", x);
        x1 = m.activation(name + "_0_relu", x1, "relu");
        x1 = m.conv2d(name + "_1_conv", x1, 4 * GROWTH_RATE, 1, 1, "valid", false, "linear");
        x1 = batchNorm(m, name + "_1_bn", x1);
        x1 = m.activation(name + "_1_relu", x1, "relu");
        x1 = m.conv2d(name + "_2_conv", x1, GROWTH_RATE, 3, 1, "same", false, "linear");
        return m.concatenate(name + "_concat", x, x1);
    }

    /** Halves the channels and the resolution. */
    private static LayerOutput transitionBlock(FunctionalBuilder m, LayerOutput x, String name) {
        x = batchNorm(m, name + "_bn", x);
        x = m.activation(name + "_relu", x, "relu");
        x = m.conv2d(name + "_conv", x, (int) (x.channels() * 0.5), 1, 1, "valid", false, "linear");
        return m.averagePool(name + "_pool", x, 2, 2, "valid");
    }

    private static LayerOutput batchNorm(FunctionalBuilder m, String name, LayerOutput x) {
        return m.batchNorm(name, x, EPSILON, 0.99, true);
    }
}
