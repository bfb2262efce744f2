package io.gradcam4j.cam;

import io.gradcam4j.engine.Tensor;

/**
 * The one blurred image behind the word "blur": Integrated Gradients' {@code blur} baseline and
 * the faithfulness metrics' blur fill (docs/METHODS.md). Each channel convolved with a separable
 * Gaussian of sigma {@code max(H, W) / 10} pixels, kernel radius {@code ceil(3 sigma)}, weights
 * normalised to sum 1, borders replicated.
 */
public final class GaussianBlur {

    private GaussianBlur() {
    }

    /** The blur of an image (1, H, W, C), as H x W x C values. */
    public static float[] of(Tensor image) {
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
    public static double[] kernel(double sigma) {
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
