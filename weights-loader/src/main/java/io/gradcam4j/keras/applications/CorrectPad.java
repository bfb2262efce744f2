package io.gradcam4j.keras.applications;

/**
 * Keras's {@code imagenet_utils.correct_pad}: the zero padding written before a stride-2
 * convolution run with {@code valid} padding (MobileNetV2, MobileNetV3, EfficientNet). It gives
 * TF's {@code same} output size with one cell less on the top and left of an even-sized input.
 */
final class CorrectPad {
    private CorrectPad() {
    }

    static LayerOutput before(FunctionalBuilder m, String name, LayerOutput x, int kernel) {
        int correct = kernel / 2;
        int adjustRows = 1 - x.shape()[0] % 2;
        int adjustCols = 1 - x.shape()[1] % 2;
        return m.zeroPadding(name, x, correct - adjustRows, correct, correct - adjustCols, correct);
    }
}
