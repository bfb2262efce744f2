package io.gradcam4j.keras.applications;

import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.errors.InvalidRequestException;

/**
 * keras.applications' {@code preprocess_input} modes, applied to RGB pixels in [0, 255], NHWC:
 * {@code caffe} (VGG, ResNet): RGB to BGR, minus the ImageNet mean per channel, no scaling;
 * {@code tf} (Xception, MobileNet): {@code x / 127.5 - 1}; {@code torch}: {@code x / 255}, minus
 * mean, divided by std per channel; {@code none}: the model rescales inside (Rescaling layers).
 */
public enum Preprocessing {
    CAFFE, TF, TORCH, NONE;

    private static final float[] CAFFE_BGR_MEAN = {103.939f, 116.779f, 123.68f};
    private static final float[] TORCH_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] TORCH_STD = {0.229f, 0.224f, 0.225f};

    /** A new tensor; the input is not modified. Three channels are required except for TF and NONE. */
    public Tensor apply(Tensor rgb) {
        Tensor out = rgb.copy();
        float[] d = out.data();
        int c = rgb.dim(-1);
        if ((this == CAFFE || this == TORCH) && c != 3) {
            throw new InvalidRequestException(name().toLowerCase() + " preprocessing needs 3 channels, got " + rgb);
        }
        for (int i = 0; i < d.length; i += c) {
            switch (this) {
                case CAFFE -> {
                    float r = d[i];
                    float g = d[i + 1];
                    float b = d[i + 2];
                    d[i] = b - CAFFE_BGR_MEAN[0];
                    d[i + 1] = g - CAFFE_BGR_MEAN[1];
                    d[i + 2] = r - CAFFE_BGR_MEAN[2];
                }
                case TF -> {
                    for (int k = 0; k < c; k++) {
                        d[i + k] = d[i + k] / 127.5f - 1f;
                    }
                }
                case TORCH -> {
                    for (int k = 0; k < 3; k++) {
                        d[i + k] = (d[i + k] / 255f - TORCH_MEAN[k]) / TORCH_STD[k];
                    }
                }
                case NONE -> { }
            }
        }
        return out;
    }
}
