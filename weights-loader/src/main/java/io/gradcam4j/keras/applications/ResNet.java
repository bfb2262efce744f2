package io.gradcam4j.keras.applications;

/**
 * ResNet50/101/152 and ResNet50V2/101V2/152V2 as keras.applications defines them (resnet.py,
 * resnet_v2.py). V1 blocks end in {@code Add} then ReLU ({@code _out}); V2 blocks normalize and
 * activate first ({@code _preact_}) and end in the {@code Add} itself, and the network ends in
 * {@code post_bn}/{@code post_relu}. BatchNormalization epsilon is 1.001e-5 throughout.
 */
public final class ResNet {
    private static final double EPSILON = 1.001e-5;
    /** Keras's {@code min_size} for every ResNet. */
    static final int MIN_SIZE = 32;

    /** Blocks per stack (conv2 to conv5), as the Keras functions of each depth pass them. */
    private static final int[] BLOCKS_50 = {3, 4, 6, 3};
    private static final int[] BLOCKS_101 = {3, 4, 23, 3};
    private static final int[] BLOCKS_152 = {3, 8, 36, 3};

    private ResNet() {
    }

    /** @param depth 50, 101 or 152 */
    public static Application v1(int depth, boolean includeTop, int height, int width) {
        return build("resnet" + depth, blocks(depth), false, includeTop, height, width, Preprocessing.CAFFE);
    }

    /** @param depth 50, 101 or 152 */
    public static Application v2(int depth, boolean includeTop, int height, int width) {
        return build("resnet" + depth + "v2", blocks(depth), true, includeTop, height, width, Preprocessing.TF);
    }

    private static int[] blocks(int depth) {
        return switch (depth) {
            case 50 -> BLOCKS_50;
            case 101 -> BLOCKS_101;
            case 152 -> BLOCKS_152;
            default -> throw new IllegalArgumentException("no ResNet of depth " + depth + " (50, 101, 152)");
        };
    }

    private static Application build(String name, int[] blocks, boolean preact, boolean includeTop, int height,
                                     int width, Preprocessing preprocessing) {
        InputSize.requireAtLeast(name, height, width, MIN_SIZE);
        FunctionalBuilder m = new FunctionalBuilder(name);
        LayerOutput x = m.input("input_1", height, width, 3);
        x = m.zeroPadding("conv1_pad", x, 3, 3, 3, 3);
        x = m.conv2d("conv1_conv", x, 64, 7, 2, "valid", true, "linear");
        if (!preact) {
            x = m.batchNorm("conv1_bn", x, EPSILON, 0.99, true);
            x = m.activation("conv1_relu", x, "relu");
        }
        x = m.zeroPadding("pool1_pad", x, 1, 1, 1, 1);
        x = m.maxPool("pool1_pool", x, 3, 2, "valid");
        int[] filters = {64, 128, 256, 512};
        for (int s = 0; s < 4; s++) {
            String stack = "conv" + (s + 2);
            x = preact ? stackV2(m, x, filters[s], blocks[s], s == 3 ? 1 : 2, stack)
                    : stackV1(m, x, filters[s], blocks[s], s == 0 ? 1 : 2, stack);
        }
        if (preact) {
            x = m.batchNorm("post_bn", x, EPSILON, 0.99, true);
            x = m.activation("post_relu", x, "relu");
        }
        if (includeTop) {
            x = m.globalAveragePooling("avg_pool", x, false);
            x = m.dense("predictions", x, 1000, "softmax");
        }
        return new Application(name, m.build(x), preprocessing);
    }

    /** The first block strides (and projects the shortcut), the others keep the shape. */
    private static LayerOutput stackV1(FunctionalBuilder m, LayerOutput x, int filters, int blocks, int firstStride,
                                       String stack) {
        x = blockV1(m, x, filters, firstStride, true, stack + "_block1");
        for (int i = 2; i <= blocks; i++) {
            x = blockV1(m, x, filters, 1, false, stack + "_block" + i);
        }
        return x;
    }

    private static LayerOutput blockV1(FunctionalBuilder m, LayerOutput x, int filters, int stride,
                                       boolean convShortcut, String name) {
        LayerOutput shortcut = x;
        if (convShortcut) {
            shortcut = m.conv2d(name + "_0_conv", x, 4 * filters, 1, stride, "valid", true, "linear");
            shortcut = m.batchNorm(name + "_0_bn", shortcut, EPSILON, 0.99, true);
        }
        x = m.conv2d(name + "_1_conv", x, filters, 1, stride, "valid", true, "linear");
        x = m.batchNorm(name + "_1_bn", x, EPSILON, 0.99, true);
        x = m.activation(name + "_1_relu", x, "relu");
        x = m.conv2d(name + "_2_conv", x, filters, 3, 1, "same", true, "linear");
        x = m.batchNorm(name + "_2_bn", x, EPSILON, 0.99, true);
        x = m.activation(name + "_2_relu", x, "relu");
        x = m.conv2d(name + "_3_conv", x, 4 * filters, 1, 1, "valid", true, "linear");
        x = m.batchNorm(name + "_3_bn", x, EPSILON, 0.99, true);
        x = m.add(name + "_add", shortcut, x);
        return m.activation(name + "_out", x, "relu");
    }

    /** V2 projects the shortcut in the first block and strides in the last one. */
    private static LayerOutput stackV2(FunctionalBuilder m, LayerOutput x, int filters, int blocks, int lastStride,
                                       String stack) {
        x = blockV2(m, x, filters, 1, true, stack + "_block1");
        for (int i = 2; i < blocks; i++) {
            x = blockV2(m, x, filters, 1, false, stack + "_block" + i);
        }
        return blockV2(m, x, filters, lastStride, false, stack + "_block" + blocks);
    }

    private static LayerOutput blockV2(FunctionalBuilder m, LayerOutput x, int filters, int stride,
                                       boolean convShortcut, String name) {
        LayerOutput preact = m.batchNorm(name + "_preact_bn", x, EPSILON, 0.99, true);
        preact = m.activation(name + "_preact_relu", preact, "relu");
        LayerOutput shortcut;
        if (convShortcut) {
            shortcut = m.conv2d(name + "_0_conv", preact, 4 * filters, 1, stride, "valid", true, "linear");
        } else {
            // Keras leaves this pooling unnamed: a 1x1 max pooling that only subsamples.
            shortcut = stride > 1 ? m.maxPool(m.autoName("max_pooling2d"), x, 1, stride, "valid") : x;
        }
        x = m.conv2d(name + "_1_conv", preact, filters, 1, 1, "valid", false, "linear");
        x = m.batchNorm(name + "_1_bn", x, EPSILON, 0.99, true);
        x = m.activation(name + "_1_relu", x, "relu");
        x = m.zeroPadding(name + "_2_pad", x, 1, 1, 1, 1);
        x = m.conv2d(name + "_2_conv", x, filters, 3, stride, "valid", false, "linear");
        x = m.batchNorm(name + "_2_bn", x, EPSILON, 0.99, true);
        x = m.activation(name + "_2_relu", x, "relu");
        x = m.conv2d(name + "_3_conv", x, 4 * filters, 1, 1, "valid", true, "linear");
        return m.add(name + "_out", shortcut, x);
    }
}
