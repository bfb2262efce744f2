package io.gradcam4j.cam.metrics;

import io.gradcam4j.engine.Tensor;

/**
 * The blurred image that {@link MetricOptions.Fill#BLUR} puts in place of removed pixels: each
 * channel convolved with a separable Gaussian of sigma {@code max(H, W) / 10} pixels, kernel
 * radius {@code ceil(3 sigma)}, weights normalised to sum 1, borders replicated. The same blur as
 * Integrated Gradients' {@code blur} baseline (docs/METHODS.md), so that one word means one image.
 */
final class GaussianBlur {

    private GaussianBlur() {
    }

    /** The blur of an image (1, H, W, C), as H x W x C values. */
    static float[] of(Tensor image) {
        int h = image.dim(1);
        int w = image.dim(2);
        int c = image.dim(3);
        double[] kernel = kernel(Math.max(h, w) / 10.0);
        int radius = kernel.length / 2;
        float[] src = image.data();
        double[] rows = new double[src.length];   // blurred along x
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < c; ch++) {
                    double s = 0;
                    for (int i = -radius; i <= radius; i++) {
                        int sx = Math.min(Math.max(x + i, 0), w - 1);
                        s += kernel[i + radius] * src[(y * w + sx) * c + ch];
                    }
                    rows[(y * w + x) * c + ch] = s;
                }
            }
        }
        float[] out = new float[src.length];   // then along y
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < c; ch++) {
                    double s = 0;
                    for (int i = -radius; i <= radius; i++) {
                        int sy = Math.min(Math.max(y + i, 0), h - 1);
                        s += kernel[i + radius] * rows[(sy * w + x) * c + ch];
                    }
                    out[(y * w + x) * c + ch] = (float) s;
                }
            }
        }
        return out;
    }

    /** exp(-i^2 / 2 sigma^2) for |i| <= ceil(3 sigma), divided by its sum. */
    static double[] kernel(double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        double[] k = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            k[i + radius] = Math.exp(-i * i / (2 * sigma * sigma));
            sum += k[i + radius];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        return k;
    }
}
