package io.gradcam4j.keras.applications;

import io.gradcam4j.engine.errors.InvalidRequestException;

/** VGG16 and VGG19 as keras.applications defines them (vgg16.py, vgg19.py). */
public final class Vgg {
    private Vgg() {
    }

    public static Application vgg16(boolean includeTop, int height, int width) {
        return build("vgg16", new int[] {2, 2, 3, 3, 3}, includeTop, height, width);
    }

    public static Application vgg19(boolean includeTop, int height, int width) {
        return build("vgg19", new int[] {2, 2, 4, 4, 4}, includeTop, height, width);
    }

    private static Application build(String name, int[] convsPerBlock, boolean includeTop, int height, int width) {
        if (includeTop && (height != 224 || width != 224)) {
            throw new InvalidRequestException(name + " with its classifier top takes 224x224 inputs, got "
                    + height + "x" + width);
        }
        FunctionalBuilder m = new FunctionalBuilder(name);
        LayerOutput x = m.input("input_1", height, width, 3);
        int[] filters = {64, 128, 256, 512, 512};
        for (int block = 1; block <= 5; block++) {
            for (int i = 1; i <= convsPerBlock[block - 1]; i++) {
                x = m.conv2d("block" + block + "_conv" + i, x, filters[block - 1], 3, 1, "same", true, "relu");
            }
            x = m.maxPool("block" + block + "_pool", x, 2, 2, "valid");
        }
        if (includeTop) {
            x = m.flatten("flatten", x);
            x = m.dense("fc1", x, 4096, "relu");
            x = m.dense("fc2", x, 4096, "relu");
            x = m.dense("predictions", x, 1000, "softmax");
        }
        return new Application(name, m.build(x), Preprocessing.CAFFE);
    }
}
