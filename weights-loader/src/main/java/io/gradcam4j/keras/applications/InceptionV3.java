package io.gradcam4j.keras.applications;

/**
 * InceptionV3 as keras.applications defines it (inception_v3.py): every convolution is
 * {@code conv2d_bn} (a bias-free convolution, a BatchNormalization without scale, a ReLU), all
 * three unnamed in Keras ({@code conv2d_N}, {@code batch_normalization_N}, {@code activation_N},
 * numbered in the order the code creates them), and the blocks {@code mixed0} to
 * {@code mixed10} concatenate their branches. The pooling layers are unnamed too.
 */
public final class InceptionV3 {
    /** Keras's {@code min_size}. */
    static final int MIN_SIZE = 75;

    private final FunctionalBuilder m;

    private InceptionV3(FunctionalBuilder m) {
        this.m = m;
    }

    public static Application build(boolean includeTop, int height, int width) {
        InputSize.requireAtLeast("inception_v3", height, width, MIN_SIZE);
        FunctionalBuilder m = new FunctionalBuilder("inception_v3");
        LayerOutput x = new InceptionV3(m).network(m.input("input_1", height, width, 3));
        if (includeTop) {
            x = m.globalAveragePooling("avg_pool", x, false);
            x = m.dense("predictions", x, 1000, "softmax");
        }
        return new Application("inceptionv3", m.build(x), Preprocessing.TF);
    }

    private LayerOutput network(LayerOutput x) {
        x = convBn(x, 32, 3, 3, 2, "valid");
        x = convBn(x, 32, 3, 3, 1, "valid");
        x = convBn(x, 64, 3, 3, 1, "same");
        x = maxPool(x);
        x = convBn(x, 80, 1, 1, 1, "valid");
        x = convBn(x, 192, 3, 3, 1, "valid");
        x = maxPool(x);
        x = block35(x, 32, "mixed0");
        x = block35(x, 64, "mixed1");
        x = block35(x, 64, "mixed2");
        x = reductionA(x);
        x = block17(x, 128, "mixed4");
        x = block17(x, 160, "mixed5");
        x = block17(x, 160, "mixed6");
        x = block17(x, 192, "mixed7");
        x = reductionB(x);
        x = block8(x, "mixed9");
        return block8(x, "mixed10");
    }

    /** mixed0-2 (35x35): 1x1, 5x5, double 3x3 and pooled branches. */
    private LayerOutput block35(LayerOutput x, int poolFilters, String name) {
        LayerOutput branch1x1 = convBn(x, 64, 1, 1);
        LayerOutput branch5x5 = convBn(x, 48, 1, 1);
        branch5x5 = convBn(branch5x5, 64, 5, 5);
        LayerOutput branch3x3dbl = convBn(x, 64, 1, 1);
        branch3x3dbl = convBn(branch3x3dbl, 96, 3, 3);
        branch3x3dbl = convBn(branch3x3dbl, 96, 3, 3);
        LayerOutput branchPool = averagePool(x);
        branchPool = convBn(branchPool, poolFilters, 1, 1);
        return m.concatenate(name, branch1x1, branch5x5, branch3x3dbl, branchPool);
    }

    /** mixed3: down to 17x17. */
    private LayerOutput reductionA(LayerOutput x) {
        LayerOutput branch3x3 = convBn(x, 384, 3, 3, 2, "valid");
        LayerOutput branch3x3dbl = convBn(x, 64, 1, 1);
        branch3x3dbl = convBn(branch3x3dbl, 96, 3, 3);
        branch3x3dbl = convBn(branch3x3dbl, 96, 3, 3, 2, "valid");
        LayerOutput branchPool = maxPool(x);
        return m.concatenate("mixed3", branch3x3, branch3x3dbl, branchPool);
    }

    /** mixed4-7 (17x17): factorized 7x7 branches of width {@code c}. */
    private LayerOutput block17(LayerOutput x, int c, String name) {
        LayerOutput branch1x1 = convBn(x, 192, 1, 1);
        LayerOutput branch7x7 = convBn(x, c, 1, 1);
        branch7x7 = convBn(branch7x7, c, 1, 7);
        branch7x7 = convBn(branch7x7, 192, 7, 1);
        LayerOutput branch7x7dbl = convBn(x, c, 1, 1);
        branch7x7dbl = convBn(branch7x7dbl, c, 7, 1);
        branch7x7dbl = convBn(branch7x7dbl, c, 1, 7);
        branch7x7dbl = convBn(branch7x7dbl, c, 7, 1);
        branch7x7dbl = convBn(branch7x7dbl, 192, 1, 7);
        LayerOutput branchPool = averagePool(x);
        branchPool = convBn(branchPool, 192, 1, 1);
        return m.concatenate(name, branch1x1, branch7x7, branch7x7dbl, branchPool);
    }

    /** mixed8: down to 8x8. */
    private LayerOutput reductionB(LayerOutput x) {
        LayerOutput branch3x3 = convBn(x, 192, 1, 1);
        branch3x3 = convBn(branch3x3, 320, 3, 3, 2, "valid");
        LayerOutput branch7x7x3 = convBn(x, 192, 1, 1);
        branch7x7x3 = convBn(branch7x7x3, 192, 1, 7);
        branch7x7x3 = convBn(branch7x7x3, 192, 7, 1);
        branch7x7x3 = convBn(branch7x7x3, 192, 3, 3, 2, "valid");
        LayerOutput branchPool = maxPool(x);
        return m.concatenate("mixed8", branch3x3, branch7x7x3, branchPool);
    }

    /** mixed9-10 (8x8): branches that split into 1x3 and 3x1 halves ({@code mixed9_0}, unnamed concatenations). */
    private LayerOutput block8(LayerOutput x, String name) {
        LayerOutput branch1x1 = convBn(x, 320, 1, 1);
        LayerOutput branch3x3 = convBn(x, 384, 1, 1);
        LayerOutput branch3x3a = convBn(branch3x3, 384, 1, 3);
        LayerOutput branch3x3b = convBn(branch3x3, 384, 3, 1);
        branch3x3 = m.concatenate(name.equals("mixed9") ? "mixed9_0" : "mixed9_1", branch3x3a, branch3x3b);
        LayerOutput branch3x3dbl = convBn(x, 448, 1, 1);
        branch3x3dbl = convBn(branch3x3dbl, 384, 3, 3);
        LayerOutput branch3x3dblA = convBn(branch3x3dbl, 384, 1, 3);
        LayerOutput branch3x3dblB = convBn(branch3x3dbl, 384, 3, 1);
        branch3x3dbl = m.concatenate(m.autoName("concatenate"), branch3x3dblA, branch3x3dblB);
        LayerOutput branchPool = averagePool(x);
        branchPool = convBn(branchPool, 192, 1, 1);
        return m.concatenate(name, branch1x1, branch3x3, branch3x3dbl, branchPool);
    }

    private LayerOutput convBn(LayerOutput x, int filters, int rows, int cols) {
        return convBn(x, filters, rows, cols, 1, "same");
    }

    /** {@code conv2d_bn}: convolution without bias, BatchNormalization without scale, ReLU. */
    private LayerOutput convBn(LayerOutput x, int filters, int rows, int cols, int stride, String padding) {
        x = m.conv2d(m.autoName("conv2d"), x, filters, rows, cols, stride, padding, false, "linear");
        x = m.batchNorm(m.autoName("batch_normalization"), x, 1e-3, 0.99, false);
        return m.activation(m.autoName("activation"), x, "relu");
    }

    private LayerOutput maxPool(LayerOutput x) {
        return m.maxPool(m.autoName("max_pooling2d"), x, 3, 2, "valid");
    }

    private LayerOutput averagePool(LayerOutput x) {
        return m.averagePool(m.autoName("average_pooling2d"), x, 3, 1, "same");
    }
}
