package io.gradcam4j.cam.metrics;

import io.gradcam4j.cam.GaussianBlur;
import io.gradcam4j.engine.Tensor;

import java.util.Arrays;

/** The image whose values replace removed pixels ({@link MetricOptions.Fill}), H x W x C values. */
final class FillValues {

    private FillValues() {
    }

    static float[] of(MetricOptions options, Tensor image) {
        return switch (options.fill()) {
            case CONSTANT -> constant(image.size(), options.fillValue());
            case MEAN -> channelMeans(image);
            case BLUR -> GaussianBlur.of(image);
        };
    }

    private static float[] constant(int size, float value) {
        float[] f = new float[size];
        Arrays.fill(f, value);
        return f;
    }

    /** Every pixel set to its channel's mean over the image (in double precision). */
    private static float[] channelMeans(Tensor image) {
        int c = image.dim(3);
        float[] x = image.data();
        int pixels = x.length / c;
        double[] sum = new double[c];
        for (int i = 0; i < x.length; i++) {
            sum[i % c] += x[i];
        }
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) (sum[i % c] / pixels);
        }
        return f;
    }

    /** The fill's parameters for a report: its name, and its value when it is a constant. */
    static java.util.Map<String, Object> describe(MetricOptions options) {
        java.util.Map<String, Object> p = new java.util.LinkedHashMap<>();
        p.put("fill", options.fill().json());
        if (options.fill() == MetricOptions.Fill.CONSTANT) {
            p.put("fill_value", options.fillValue());
        }
        return p;
    }
}
