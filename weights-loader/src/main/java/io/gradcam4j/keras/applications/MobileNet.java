package io.gradcam4j.keras.applications;

import java.util.Locale;

/**
 * MobileNet v1 as keras.applications defines it (mobilenet.py): width multiplier {@code alpha}
 * (filters {@code int(f * alpha)}), relu6 everywhere, stride-2 depthwise convolutions preceded by
 * a {@code ((0, 1), (0, 1))} zero padding and run with {@code valid} padding.
 */
public final class MobileNet {
    private MobileNet() {
    }

    public static Application build(double alpha, int height, int width, boolean includeTop) {
        String name = String.format(Locale.ROOT, "mobilenet_%.2f_%d", alpha, height);
        FunctionalBuilder m = new FunctionalBuilder(name);
        LayerOutput x = m.input("input_1", height, width, 3);
        x = m.conv2d("conv1", x, (int) (32 * alpha), 3, 2, "same", false, "linear");
        x = m.batchNorm("conv1_bn", x);
        x = m.relu6("conv1_relu", x);
        int[] filters = {64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024};
        int[] strides = {1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1};
        for (int i = 0; i < filters.length; i++) {
            x = depthwiseBlock(m, x, (int) (filters[i] * alpha), strides[i], i + 1);
        }
        if (includeTop) {
            x = m.globalAveragePooling("global_average_pooling2d", x, true);
            x = m.dropout("dropout", x, 1e-3);
            x = m.conv2d("conv_preds", x, 1000, 1, 1, "same", true, "linear");
            x = m.reshape("reshape_2", x, 1000);
            x = m.activation("predictions", x, "softmax");
        }
        return new Application(name, m.build(x), Preprocessing.TF);
    }

    private static LayerOutput depthwiseBlock(FunctionalBuilder m, LayerOutput x, int filters, int stride, int id) {
        if (stride == 2) {
            x = m.zeroPadding("conv_pad_" + id, x, 0, 1, 0, 1);
        }
        x = m.depthwiseConv2d("conv_dw_" + id, x, 3, stride, stride == 1 ? "same" : "valid");
        x = m.batchNorm("conv_dw_" + id + "_bn", x);
        x = m.relu6("conv_dw_" + id + "_relu", x);
        x = m.conv2d("conv_pw_" + id, x, filters, 1, 1, "same", false, "linear");
        x = m.batchNorm("conv_pw_" + id + "_bn", x);
        return m.relu6("conv_pw_" + id + "_relu", x);
    }
}
