package io.gradcam4j.keras.applications;

/**
 * NASNetMobile as keras.applications defines it (nasnet.py with penultimate_filters 1056,
 * num_blocks 4, stem_block_filters 32, skip_reduction False, filter_multiplier 2): a stem
 * convolution, two reduction cells, then three stages of four normal cells each, the last two
 * stages entered through a reduction cell. Every cell reads the two previous cells' outputs
 * ({@code x} and {@code p}); {@code p} is first adjusted to {@code x}'s size and width
 * ({@code _adjust_block}). Keras names the cells' layers after the cell, but leaves the ReLUs,
 * one padding, one cropping, one concatenation and one addition unnamed
 * ({@code activation_N}, {@code zero_padding2d_N}, {@code cropping2d_N}, {@code concatenate_N},
 * {@code add_N}). BatchNormalization momentum 0.9997, epsilon 1e-3.
 */
public final class NASNetMobile {
    /** Keras's {@code min_size}. */
    static final int MIN_SIZE = 32;
    private static final int FILTERS = 1056 / 24;
    private static final int BLOCKS = 4;

    private final FunctionalBuilder m;

    private NASNetMobile(FunctionalBuilder m) {
        this.m = m;
    }

    public static Application build(boolean includeTop, int height, int width) {
        InputSize.requireAtLeast("nasnetmobile", height, width, MIN_SIZE);
        FunctionalBuilder m = new FunctionalBuilder("nasnet_mobile");
        LayerOutput x = new NASNetMobile(m).network(m.input("input_1", height, width, 3));
        if (includeTop) {
            x = m.globalAveragePooling(m.autoName("global_average_pooling2d"), x, false);
            x = m.dense("predictions", x, 1000, "softmax");
        }
        return new Application("nasnetmobile", m.build(x), Preprocessing.TF);
    }

    /** The two inputs every cell reads: the last cell's output and the one before. */
    private record Cells(LayerOutput x, LayerOutput p) {
    }

    private LayerOutput network(LayerOutput input) {
        LayerOutput x = m.conv2d("stem_conv1", input, 32, 3, 2, "valid", false, "linear");
        x = batchNorm("stem_bn1", x);
        Cells c = reductionCell(new Cells(x, null), FILTERS / 4, "stem_1");
        c = reductionCell(c, FILTERS / 2, "stem_2");
        for (int i = 0; i < BLOCKS; i++) {
            c = normalCell(c, FILTERS, String.valueOf(i));
        }
        c = reductionCell(c, FILTERS * 2, "reduce_" + BLOCKS);
        for (int i = 0; i < BLOCKS; i++) {
            c = normalCell(c, FILTERS * 2, String.valueOf(BLOCKS + i + 1));
        }
        c = reductionCell(c, FILTERS * 4, "reduce_" + 2 * BLOCKS);
        for (int i = 0; i < BLOCKS; i++) {
            c = normalCell(c, FILTERS * 4, String.valueOf(2 * BLOCKS + i + 1));
        }
        return relu(c.x());
    }

    /** {@code _normal_a_cell}: five branches on x and p, concatenated with p. */
    private Cells normalCell(Cells in, int filters, String id) {
        LayerOutput p = adjust(in.p(), in.x(), filters, id);
        LayerOutput h = relu(in.x());
        h = m.conv2d("normal_conv_1_" + id, h, filters, 1, 1, "same", false, "linear");
        h = batchNorm("normal_bn_1_" + id, h);
        LayerOutput x1 = m.add("normal_add_1_" + id, separableBlock(h, filters, 5, 1, "normal_left1_" + id),
                separableBlock(p, filters, 3, 1, "normal_right1_" + id));
        LayerOutput x2 = m.add("normal_add_2_" + id, separableBlock(p, filters, 5, 1, "normal_left2_" + id),
                separableBlock(p, filters, 3, 1, "normal_right2_" + id));
        LayerOutput x3 = m.add("normal_add_3_" + id, m.averagePool("normal_left3_" + id, h, 3, 1, "same"), p);
        LayerOutput x4 = m.add("normal_add_4_" + id, m.averagePool("normal_left4_" + id, p, 3, 1, "same"),
                m.averagePool("normal_right4_" + id, p, 3, 1, "same"));
        LayerOutput x5 = m.add("normal_add_5_" + id, separableBlock(h, filters, 3, 1, "normal_left5_" + id), h);
        LayerOutput x = m.concatenate("normal_concat_" + id, p, x1, x2, x3, x4, x5);
        return new Cells(x, in.x());
    }

    /** {@code _reduction_a_cell}: halves the size; four branches concatenated. */
    private Cells reductionCell(Cells in, int filters, String id) {
        LayerOutput p = adjust(in.p(), in.x(), filters, id);
        LayerOutput h = relu(in.x());
        h = m.conv2d("reduction_conv_1_" + id, h, filters, 1, 1, "same", false, "linear");
        h = batchNorm("reduction_bn_1_" + id, h);
        LayerOutput h3 = CorrectPad.before(m, "reduction_pad_1_" + id, h, 3);
        LayerOutput x1 = m.add("reduction_add_1_" + id, separableBlock(h, filters, 5, 2, "reduction_left1_" + id),
                separableBlock(p, filters, 7, 2, "reduction_right1_" + id));
        LayerOutput x2 = m.add("reduction_add_2_" + id, m.maxPool("reduction_left2_" + id, h3, 3, 2, "valid"),
                separableBlock(p, filters, 7, 2, "reduction_right2_" + id));
        LayerOutput x3 = m.add("reduction_add3_" + id, m.averagePool("reduction_left3_" + id, h3, 3, 2, "valid"),
                separableBlock(p, filters, 5, 2, "reduction_right3_" + id));
        LayerOutput x4 = m.add(m.autoName("add"), x2, m.averagePool("reduction_left4_" + id, x1, 3, 1, "same"));
        LayerOutput x5 = m.add("reduction_add4_" + id, separableBlock(x1, filters, 3, 1, "reduction_left4_" + id),
                m.maxPool("reduction_right5_" + id, h3, 3, 2, "valid"));
        LayerOutput x = m.concatenate("reduction_concat_" + id, x2, x3, x4, x5);
        return new Cells(x, in.x());
    }

    /**
     * {@code _adjust_block}: p to x's size (two half-width strided 1x1 paths, the second shifted by
     * one pixel, concatenated) or to {@code filters} channels (a 1x1 projection).
     */
    private LayerOutput adjust(LayerOutput p, LayerOutput x, int filters, String id) {
        if (p == null) {
            return x;
        }
        if (p.shape()[1] != x.shape()[1]) {
            p = m.activation("adjust_relu_1_" + id, p, "relu");
            LayerOutput p1 = m.averagePool("adjust_avg_pool_1_" + id, p, 1, 2, "valid");
            p1 = m.conv2d("adjust_conv_1_" + id, p1, filters / 2, 1, 1, "same", false, "linear");
            LayerOutput p2 = m.zeroPadding(m.autoName("zero_padding2d"), p, 0, 1, 0, 1);
            p2 = m.cropping(m.autoName("cropping2d"), p2, 1, 0, 1, 0);
            p2 = m.averagePool("adjust_avg_pool_2_" + id, p2, 1, 2, "valid");
            p2 = m.conv2d("adjust_conv_2_" + id, p2, filters / 2, 1, 1, "same", false, "linear");
            p = m.concatenate(m.autoName("concatenate"), p1, p2);
            return batchNorm("adjust_bn_" + id, p);
        }
        if (p.channels() != filters) {
            p = relu(p);
            p = m.conv2d("adjust_conv_projection_" + id, p, filters, 1, 1, "same", false, "linear");
            return batchNorm("adjust_bn_" + id, p);
        }
        return p;
    }

    /** {@code _separable_conv_block}: twice ReLU, separable convolution, BatchNormalization; the first may stride. */
    private LayerOutput separableBlock(LayerOutput x, int filters, int kernel, int stride, String id) {
        x = relu(x);
        String padding = "same";
        if (stride == 2) {
            x = CorrectPad.before(m, "separable_conv_1_pad_" + id, x, kernel);
            padding = "valid";
        }
        x = m.separableConv2d("separable_conv_1_" + id, x, filters, kernel, stride, padding);
        x = batchNorm("separable_conv_1_bn_" + id, x);
        x = relu(x);
        x = m.separableConv2d("separable_conv_2_" + id, x, filters, kernel, 1, "same");
        return batchNorm("separable_conv_2_bn_" + id, x);
    }

    private LayerOutput relu(LayerOutput x) {
        return m.activation(m.autoName("activation"), x, "relu");
    }

    private LayerOutput batchNorm(String name, LayerOutput x) {
        return m.batchNorm(name, x, 1e-3, 0.9997, true);
    }
}
