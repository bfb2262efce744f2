package io.gradcam4j.keras.applications;

/**
 * EfficientNetV2 B0 to B3 as keras.applications defines them (efficientnet_v2.py): fused MBConv
 * blocks (one full convolution instead of expansion and depthwise) in the first stages, MBConv
 * blocks with squeeze-and-excitation after, swish, BatchNormalization momentum 0.9. The model
 * normalizes its own input, pixels in [0, 255]: Rescaling(1/255), a Normalization whose ImageNet
 * mean and variance are written in its config (no weights), then Rescaling(1/128, -1), as
 * Keras builds the B variants; those three layers are unnamed in Keras.
 */
public final class EfficientNetV2 {
    /** Keras's {@code min_size}. */
    static final int MIN_SIZE = 32;
    private static final double BN_MOMENTUM = 0.9;
    private static final double DROP_CONNECT_RATE = 0.2;

    /** The blocks of B0 to B3 ({@code DEFAULT_BLOCKS_ARGS["efficientnetv2-b0"]}, the same for B1-B3). */
    private static final BlockArgs[] BLOCKS = {
        new BlockArgs(3, 1, 32, 16, 1, 0, 1, true),
        new BlockArgs(3, 2, 16, 32, 4, 0, 2, true),
        new BlockArgs(3, 2, 32, 48, 4, 0, 2, true),
        new BlockArgs(3, 3, 48, 96, 4, 0.25, 2, false),
        new BlockArgs(3, 5, 96, 112, 6, 0.25, 1, false),
        new BlockArgs(3, 8, 112, 192, 6, 0.25, 2, false),
    };

    /** Width and depth coefficients and default size of B0..B3. */
    private static final double[][] VARIANTS = {{1.0, 1.0, 224}, {1.0, 1.1, 240}, {1.1, 1.2, 260}, {1.2, 1.4, 300}};

    private final FunctionalBuilder m;

    private EfficientNetV2(FunctionalBuilder m) {
        this.m = m;
    }

    /** The default input size of EfficientNetV2 B{@code variant}. */
    public static int defaultSize(int variant) {
        return (int) variant(variant)[2];
    }

    /** @param variant 0 to 3 */
    public static Application build(int variant, boolean includeTop, int height, int width) {
        double[] v = variant(variant);
        String name = "efficientnetv2b" + variant;
        InputSize.requireAtLeast(name, height, width, MIN_SIZE);
        FunctionalBuilder m = new FunctionalBuilder("efficientnetv2-b" + variant);
        LayerOutput x = new EfficientNetV2(m).network(m.input("input_1", height, width, 3), v[0], v[1], includeTop);
        return new Application(name, m.build(x), Preprocessing.NONE);
    }

    private LayerOutput network(LayerOutput x, double width, double depth, boolean includeTop) {
        x = m.rescaling(m.autoName("rescaling"), x, new double[] {1.0 / 255}, 0.0);
        x = m.normalization(m.autoName("normalization"), x, new double[] {0.485, 0.456, 0.406},
                new double[] {0.229 * 0.229, 0.224 * 0.224, 0.225 * 0.225});
        x = m.rescaling(m.autoName("rescaling"), x, new double[] {1.0 / 128.0}, -1.0);
        x = m.conv2d("stem_conv", x, roundFilters(BLOCKS[0].filtersIn(), width), 3, 2, "same", false, "linear");
        x = batchNorm("stem_bn", x);
        x = m.activation("stem_activation", x, "swish");
        int total = 0;
        for (BlockArgs args : BLOCKS) {
            total += args.repeats();    // Keras divides by the unscaled number of blocks
        }
        int b = 0;
        for (int i = 0; i < BLOCKS.length; i++) {
            BlockArgs args = BLOCKS[i];
            int filtersIn = roundFilters(args.filtersIn(), width);
            int filtersOut = roundFilters(args.filtersOut(), width);
            int repeats = (int) Math.ceil(depth * args.repeats());
            for (int j = 0; j < repeats; j++) {
                String name = "block" + (i + 1) + (char) ('a' + j) + "_";
                Block block = new Block(j == 0 ? filtersIn : filtersOut, filtersOut, args.expandRatio(), args.kernel(),
                        j == 0 ? args.stride() : 1, args.seRatio(), DROP_CONNECT_RATE * b / total, name);
                x = args.fused() ? fusedMbConv(x, block) : mbConv(x, block);
                b++;
            }
        }
        x = m.conv2d("top_conv", x, roundFilters(1280, width), 1, 1, "same", false, "linear");
        x = batchNorm("top_bn", x);
        x = m.activation("top_activation", x, "swish");
        if (includeTop) {
            x = m.globalAveragePooling("avg_pool", x, false);
            x = m.dropout("top_dropout", x, 0.2);
            x = m.dense("predictions", x, 1000, "softmax");
        }
        return x;
    }

    /** {@code MBConvBlock}: 1x1 expansion, depthwise convolution, squeeze-and-excitation, 1x1 projection. */
    private LayerOutput mbConv(LayerOutput inputs, Block b) {
        int filters = b.filtersIn() * b.expandRatio();
        LayerOutput x = inputs;
        if (b.expandRatio() != 1) {
            x = m.conv2d(b.name() + "expand_conv", x, filters, 1, 1, "same", false, "linear");
            x = batchNorm(b.name() + "expand_bn", x);
            x = m.activation(b.name() + "expand_activation", x, "swish");
        }
        x = m.depthwiseConv2d(b.name() + "dwconv2", x, b.kernel(), b.stride(), "same");
        x = batchNorm(b.name() + "bn", x);
        x = m.activation(b.name() + "activation", x, "swish");
        x = squeezeAndExcite(x, b, filters);
        x = m.conv2d(b.name() + "project_conv", x, b.filtersOut(), 1, 1, "same", false, "linear");
        x = batchNorm(b.name() + "project_bn", x);
        return residual(inputs, x, b);
    }

    /**
     * {@code FusedMBConvBlock}: one full convolution does the expansion and the stride (or, without
     * expansion, the projection itself, then activated).
     */
    private LayerOutput fusedMbConv(LayerOutput inputs, Block b) {
        int filters = b.filtersIn() * b.expandRatio();
        boolean expands = b.expandRatio() != 1;
        LayerOutput x = inputs;
        if (expands) {
            x = m.conv2d(b.name() + "expand_conv", x, filters, b.kernel(), b.stride(), "same", false, "linear");
            x = batchNorm(b.name() + "expand_bn", x);
            x = m.activation(b.name() + "expand_activation", x, "swish");
        }
        x = squeezeAndExcite(x, b, filters);
        x = m.conv2d(b.name() + "project_conv", x, b.filtersOut(), expands ? 1 : b.kernel(), expands ? 1 : b.stride(),
                "same", false, "linear");
        x = batchNorm(b.name() + "project_bn", x);
        if (!expands) {
            x = m.activation(b.name() + "project_activation", x, "swish");
        }
        return residual(inputs, x, b);
    }

    private LayerOutput squeezeAndExcite(LayerOutput x, Block b, int filters) {
        if (!(b.seRatio() > 0 && b.seRatio() <= 1)) {
            return x;
        }
        LayerOutput se = m.globalAveragePooling(b.name() + "se_squeeze", x, false);
        se = m.reshape(b.name() + "se_reshape", se, 1, 1, filters);
        se = m.conv2d(b.name() + "se_reduce", se, Math.max(1, (int) (b.filtersIn() * b.seRatio())), 1, 1, "same", true,
                "swish");
        se = m.conv2d(b.name() + "se_expand", se, filters, 1, 1, "same", true, "sigmoid");
        return m.multiply(b.name() + "se_excite", x, se);
    }

    private LayerOutput residual(LayerOutput inputs, LayerOutput x, Block b) {
        if (b.stride() != 1 || b.filtersIn() != b.filtersOut()) {
            return x;
        }
        if (b.dropRate() > 0) {
            // Keras drops whole samples here (noise_shape (None, 1, 1, 1)); inference passes through
            x = m.dropout(b.name() + "drop", x, b.dropRate());
        }
        return m.add(b.name() + "add", x, inputs);
    }

    private LayerOutput batchNorm(String name, LayerOutput x) {
        return m.batchNorm(name, x, 1e-3, BN_MOMENTUM, true);
    }

    /** efficientnet_v2.py's {@code round_filters}: the nearest multiple of 8, at least 8 (no 10 % rule here). */
    private static int roundFilters(int filters, double width) {
        double scaled = filters * width;
        return Math.max(8, (int) (scaled + 4) / 8 * 8);
    }

    private static double[] variant(int variant) {
        if (variant < 0 || variant >= VARIANTS.length) {
            throw new IllegalArgumentException("no EfficientNetV2 B" + variant + " (B0 to B3)");
        }
        return VARIANTS[variant];
    }

    private record BlockArgs(int kernel, int repeats, int filtersIn, int filtersOut, int expandRatio, double seRatio,
                             int stride, boolean fused) {
    }

    private record Block(int filtersIn, int filtersOut, int expandRatio, int kernel, int stride, double seRatio,
                         double dropRate, String name) {
    }
}
