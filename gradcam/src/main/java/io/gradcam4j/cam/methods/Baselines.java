package io.gradcam4j.cam.methods;

import io.gradcam4j.engine.Tensor;

/** Integrated Gradients' reference inputs (docs/METHODS.md). */
final class Baselines {

    private Baselines() {
    }

    static Tensor of(MethodOptions.Baseline kind, Tensor x, MethodContext ctx) {
        return switch (kind) {
            case ZERO -> Tensor.zeros(x.shape());
            case BLACK -> ctx.request().preprocessing().apply(Tensor.zeros(x.shape()));
            case BLUR -> blurred(x, Math.max(x.dim(1), x.dim(2)) / 10.0);
        };
    }

    /** A separable Gaussian blur of each channel, radius ceil(3 sigma), borders replicated. */
    static Tensor blurred(Tensor x, double sigma) {
        int h = x.dim(1);
        int w = x.dim(2);
        int c = x.dim(3);
        int radius = (int) Math.ceil(3 * sigma);
        double[] kernel = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            kernel[i + radius] = Math.exp(-i * i / (2 * sigma * sigma));
            sum += kernel[i + radius];
        }
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] /= sum;
        }
        float[] src = x.data();
        double[] rows = new double[src.length];
        for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < w; xx++) {
                for (int ch = 0; ch < c; ch++) {
                    double s = 0;
                    for (int i = -radius; i <= radius; i++) {
                        int sx = Math.min(Math.max(xx + i, 0), w - 1);
                        s += kernel[i + radius] * src[(y * w + sx) * c + ch];
                    }
                    rows[(y * w + xx) * c + ch] = s;
                }
            }
        }
        float[] out = new float[src.length];
        for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < w; xx++) {
                for (int ch = 0; ch < c; ch++) {
                    double s = 0;
                    for (int i = -radius; i <= radius; i++) {
                        int sy = Math.min(Math.max(y + i, 0), h - 1);
                        s += kernel[i + radius] * rows[(sy * w + xx) * c + ch];
                    }
                    out[(y * w + xx) * c + ch] = (float) s;
                }
            }
        }
        return Tensor.of(out, x.shape());
    }
}
