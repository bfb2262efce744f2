package io.gradcam4j.keras.applications;

/**
 * EfficientNet B0 to B7 as keras.applications defines them (efficientnet.py): MBConv blocks
 * (1x1 expansion, depthwise convolution, squeeze-and-excitation gate, linear 1x1 projection, an
 * {@code Add} when the shape allows) with swish, widths and depths scaled by each variant's
 * coefficients. The model normalizes its own input: it takes pixels in [0, 255] and rescales
 * them by 1/255, subtracts the ImageNet mean and divides by the standard deviation in a
 * Normalization layer whose statistics are weights, and then (as Keras builds it when it loads
 * the ImageNet weights, which store the standard deviation where the variance belongs) by
 * 1/sqrt(std) once more. Keras leaves those three layers unnamed.
 */
public final class EfficientNet {
    /** Keras's {@code min_size}. */
    static final int MIN_SIZE = 32;
    private static final double[] IMAGENET_STDDEV_RGB = {0.229, 0.224, 0.225};

    /** The blocks of B0 ({@code DEFAULT_BLOCKS_ARGS}); the other variants scale filters and repeats. */
    private static final BlockArgs[] BLOCKS = {
        new BlockArgs(3, 1, 32, 16, 1, 1),
        new BlockArgs(3, 2, 16, 24, 6, 2),
        new BlockArgs(5, 2, 24, 40, 6, 2),
        new BlockArgs(3, 3, 40, 80, 6, 2),
        new BlockArgs(5, 3, 80, 112, 6, 1),
        new BlockArgs(5, 4, 112, 192, 6, 2),
        new BlockArgs(3, 1, 192, 320, 6, 1),
    };
    private static final double SE_RATIO = 0.25;
    private static final double DROP_CONNECT_RATE = 0.2;

    /** Width and depth coefficients, default size and top dropout of B0..B7, as efficientnet.py passes them. */
    private static final Variant[] VARIANTS = {
        new Variant(1.0, 1.0, 224, 0.2),
        new Variant(1.0, 1.1, 240, 0.2),
        new Variant(1.1, 1.2, 260, 0.3),
        new Variant(1.2, 1.4, 300, 0.3),
        new Variant(1.4, 1.8, 380, 0.4),
        new Variant(1.6, 2.2, 456, 0.4),
        new Variant(1.8, 2.6, 528, 0.5),
        new Variant(2.0, 3.1, 600, 0.5),
    };

    private EfficientNet() {
    }

    /** The default input size of EfficientNet B{@code variant}. */
    public static int defaultSize(int variant) {
        return variant(variant).defaultSize();
    }

    /** @param variant 0 to 7 */
    public static Application build(int variant, boolean includeTop, int height, int width) {
        Variant v = variant(variant);
        String name = "efficientnetb" + variant;
        InputSize.requireAtLeast(name, height, width, MIN_SIZE);
        FunctionalBuilder m = new FunctionalBuilder(name);
        LayerOutput x = m.input("input_1", height, width, 3);
        x = m.rescaling(m.autoName("rescaling"), x, new double[] {1.0 / 255.0}, 0.0);
        x = m.normalization(m.autoName("normalization"), x);
        double[] stddevCorrection = new double[3];
        for (int c = 0; c < 3; c++) {
            stddevCorrection[c] = 1.0 / Math.sqrt(IMAGENET_STDDEV_RGB[c]);
        }
        x = m.rescaling(m.autoName("rescaling"), x, stddevCorrection, 0.0);
        x = CorrectPad.before(m, "stem_conv_pad", x, 3);
        x = m.conv2d("stem_conv", x, roundFilters(32, v), 3, 2, "valid", false, "linear");
        x = m.batchNorm("stem_bn", x);
        x = m.activation("stem_activation", x, "swish");

        int total = 0;
        for (BlockArgs args : BLOCKS) {
            total += roundRepeats(args.repeats(), v);
        }
        int b = 0;
        for (int i = 0; i < BLOCKS.length; i++) {
            BlockArgs args = BLOCKS[i];
            int filtersIn = roundFilters(args.filtersIn(), v);
            int filtersOut = roundFilters(args.filtersOut(), v);
            for (int j = 0; j < roundRepeats(args.repeats(), v); j++) {
                String blockName = "block" + (i + 1) + (char) ('a' + j) + "_";
                int stride = j == 0 ? args.stride() : 1;
                int in = j == 0 ? filtersIn : filtersOut;
                x = block(m, x, DROP_CONNECT_RATE * b / total, blockName, in, filtersOut, args.kernel(),
                        stride, args.expandRatio());
                b++;
            }
        }
        x = m.conv2d("top_conv", x, roundFilters(1280, v), 1, 1, "same", false, "linear");
        x = m.batchNorm("top_bn", x);
        x = m.activation("top_activation", x, "swish");
        if (includeTop) {
            x = m.globalAveragePooling("avg_pool", x, false);
            x = m.dropout("top_dropout", x, v.dropoutRate());
            x = m.dense("predictions", x, 1000, "softmax");
        }
        return new Application(name, m.build(x), Preprocessing.NONE);
    }

    /** One MBConv block ({@code block} in efficientnet.py). */
    private static LayerOutput block(FunctionalBuilder m, LayerOutput inputs, double dropRate, String name,
                                     int filtersIn, int filtersOut, int kernel, int stride, int expandRatio) {
        int filters = filtersIn * expandRatio;
        LayerOutput x = inputs;
        if (expandRatio != 1) {
            x = m.conv2d(name + "expand_conv", x, filters, 1, 1, "same", false, "linear");
            x = m.batchNorm(name + "expand_bn", x);
            x = m.activation(name + "expand_activation", x, "swish");
        }
        if (stride == 2) {
            x = CorrectPad.before(m, name + "dwconv_pad", x, kernel);
        }
        x = m.depthwiseConv2d(name + "dwconv", x, kernel, stride, stride == 2 ? "valid" : "same");
        x = m.batchNorm(name + "bn", x);
        x = m.activation(name + "activation", x, "swish");
        x = squeezeAndExcite(m, x, name, filters, Math.max(1, (int) (filtersIn * SE_RATIO)));
        x = m.conv2d(name + "project_conv", x, filtersOut, 1, 1, "same", false, "linear");
        x = m.batchNorm(name + "project_bn", x);
        if (stride == 1 && filtersIn == filtersOut) {
            if (dropRate > 0) {
                // Keras drops whole samples here (noise_shape (None, 1, 1, 1)); inference passes through
                x = m.dropout(name + "drop", x, dropRate);
            }
            x = m.add(name + "add", x, inputs);
        }
        return x;
    }

    /** Average the channels, squeeze them to {@code reduced}, and scale each channel by a sigmoid gate. */
    private static LayerOutput squeezeAndExcite(FunctionalBuilder m, LayerOutput x, String name, int filters,
                                                int reduced) {
        LayerOutput se = m.globalAveragePooling(name + "se_squeeze", x, false);
        se = m.reshape(name + "se_reshape", se, 1, 1, filters);
        se = m.conv2d(name + "se_reduce", se, reduced, 1, 1, "same", true, "swish");
        se = m.conv2d(name + "se_expand", se, filters, 1, 1, "same", true, "sigmoid");
        return m.multiply(name + "se_excite", x, se);
    }

    private static int roundFilters(int filters, Variant v) {
        return ChannelRounding.makeDivisible(filters * v.width(), 8);
    }

    private static int roundRepeats(int repeats, Variant v) {
        return (int) Math.ceil(v.depth() * repeats);
    }

    private static Variant variant(int variant) {
        if (variant < 0 || variant >= VARIANTS.length) {
            throw new IllegalArgumentException("no EfficientNet B" + variant + " (B0 to B7)");
        }
        return VARIANTS[variant];
    }

    private record BlockArgs(int kernel, int repeats, int filtersIn, int filtersOut, int expandRatio, int stride) {
    }

    private record Variant(double width, double depth, int defaultSize, double dropoutRate) {
    }
}
