package io.gradcam4j.keras.applications;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The layer order of the Java architectures against Keras's own {@code model.summary()} (which
 * prints {@code model.layers} in the order weights files store them): where a shortcut joins a
 * longer branch, Keras lists it after the branch's first layers, not where the code creates it.
 * The sequences below are copied from printed summaries of tf.keras models.
 */
class KerasLayerOrderTest {

    private static void assertSequence(List<String> expected, Application app) {
        List<String> order = app.spec().layerOrder();
        int start = order.indexOf(expected.get(0));
        assertEquals(expected, order.subList(start, Math.min(order.size(), start + expected.size())), app.name());
    }

    @Test
    void xceptionListsTheResidualConvolutionAfterTheSeparableOnes() {
        assertSequence(List.of("block1_conv2_act", "block2_sepconv1", "block2_sepconv1_bn", "block2_sepconv2_act",
                "block2_sepconv2", "block2_sepconv2_bn", "conv2d", "block2_pool", "batch_normalization", "add",
                "block3_sepconv1_act"), Applications.byName("xception"));
    }

    @Test
    void resnet50ListsTheProjectionShortcutBesideTheLastConvolution() {
        assertSequence(List.of("pool1_pool", "conv2_block1_1_conv", "conv2_block1_1_bn", "conv2_block1_1_relu",
                "conv2_block1_2_conv", "conv2_block1_2_bn", "conv2_block1_2_relu", "conv2_block1_0_conv",
                "conv2_block1_3_conv", "conv2_block1_0_bn", "conv2_block1_3_bn", "conv2_block1_add", "conv2_block1_out",
                "conv2_block2_1_conv"), Applications.byName("resnet50"));
    }

    @Test
    void resnet50v2ListsTheProjectionShortcutBesideTheLastConvolution() {
        assertSequence(List.of("conv2_block1_preact_bn", "conv2_block1_preact_relu", "conv2_block1_1_conv",
                "conv2_block1_1_bn", "conv2_block1_1_relu", "conv2_block1_2_pad", "conv2_block1_2_conv",
                "conv2_block1_2_bn", "conv2_block1_2_relu", "conv2_block1_0_conv", "conv2_block1_3_conv",
                "conv2_block1_out", "conv2_block2_preact_bn"), Applications.byName("resnet50v2"));
    }

    @Test
    void inceptionV3ListsItsBranchesLayerByLayerAcrossTheBlock() {
        assertSequence(List.of("max_pooling2d_1", "conv2d_8", "batch_normalization_8", "activation_8", "conv2d_6",
                "conv2d_9", "batch_normalization_6", "batch_normalization_9", "activation_6", "activation_9",
                "average_pooling2d", "conv2d_5", "conv2d_7", "conv2d_10", "conv2d_11", "batch_normalization_5",
                "batch_normalization_7", "batch_normalization_10", "batch_normalization_11", "activation_5",
                "activation_7", "activation_10", "activation_11", "mixed0", "conv2d_15"),
                Applications.byName("inceptionv3"));
    }

    /**
     * NASNet's first 60 layers with weights (stem, both stem reduction cells, the start of normal
     * cell 0; NASNetLarge and NASNetMobile are wired alike up to there), in the order a tf.keras 2
     * NASNetLarge listed {@code model.layers} in a user's script: names cut to 31 characters, and
     * the reduction cells' second branch then called {@code reduction_1_} (Keras 3:
     * {@code reduction_right1_}). The order of layers with weights is what weights files keep.
     */
    @Test
    void nasnetListsItsCellsLayersAsTfKerasDid() {
        List<String> keras = List.of(
            "stem_conv1", "stem_bn1", "reduction_conv_1_stem_1", "reduction_bn_1_stem_1",
            "separable_conv_1_reduction_left", "separable_conv_1_reduction_1_st", "separable_conv_1_bn_reduction_l",
            "separable_conv_1_bn_reduction_1", "separable_conv_2_reduction_left", "separable_conv_2_reduction_1_st",
            "separable_conv_2_bn_reduction_l", "separable_conv_2_bn_reduction_1", "separable_conv_1_reduction_righ",
            "separable_conv_1_bn_reduction_r", "separable_conv_1_reduction_righ", "separable_conv_1_reduction_left",
            "separable_conv_1_bn_reduction_r", "separable_conv_1_bn_reduction_l", "separable_conv_2_reduction_righ",
            "separable_conv_2_bn_reduction_r", "separable_conv_2_reduction_righ", "separable_conv_2_reduction_left",
            "separable_conv_2_bn_reduction_r", "separable_conv_2_bn_reduction_l", "adjust_conv_1_stem_2",
            "adjust_conv_2_stem_2", "reduction_conv_1_stem_2", "reduction_bn_1_stem_2", "adjust_bn_stem_2",
            "separable_conv_1_reduction_left", "separable_conv_1_reduction_1_st", "separable_conv_1_bn_reduction_l",
            "separable_conv_1_bn_reduction_1", "separable_conv_2_reduction_left", "separable_conv_2_reduction_1_st",
            "separable_conv_2_bn_reduction_l", "separable_conv_2_bn_reduction_1", "separable_conv_1_reduction_righ",
            "separable_conv_1_bn_reduction_r", "separable_conv_1_reduction_righ", "separable_conv_1_reduction_left",
            "separable_conv_1_bn_reduction_r", "separable_conv_1_bn_reduction_l", "separable_conv_2_reduction_righ",
            "separable_conv_2_bn_reduction_r", "separable_conv_2_reduction_righ", "separable_conv_2_reduction_left",
            "separable_conv_2_bn_reduction_r", "separable_conv_2_bn_reduction_l", "adjust_conv_1_0",
            "adjust_conv_2_0", "normal_conv_1_0", "adjust_bn_0", "normal_bn_1_0", "separable_conv_1_normal_left1_0",
            "separable_conv_1_normal_right1_", "separable_conv_1_normal_left2_0", "separable_conv_1_normal_right2_",
            "separable_conv_1_normal_left5_0", "separable_conv_1_bn_normal_left");
        ModelSpec spec = Applications.byName("nasnetmobile").spec();
        List<String> ours = spec.layerOrder().stream().filter(spec.weights()::containsKey)
                .map(n -> n.replace("reduction_right1_", "reduction_1_"))
                .map(n -> n.length() > 31 ? n.substring(0, 31) : n).limit(keras.size()).toList();
        assertEquals(keras, ours);
    }
}
