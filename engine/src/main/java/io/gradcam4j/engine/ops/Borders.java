package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Tensor;

/**
 * Adding zero borders and cutting borders off an NHWC tensor: each is the other's gradient,
 * so ZeroPadding2D and Cropping2D share these two functions.
 */
final class Borders {
    private Borders() {
    }

    /** Surrounds each image with zeros: {@code top, bottom, left, right} rows/columns. */
    static Tensor pad(Tensor x, int top, int bottom, int left, int right) {
        int n = x.dim(0);
        int h = x.dim(1);
        int w = x.dim(2);
        int c = x.dim(3);
        int outH = h + top + bottom;
        int outW = w + left + right;
        Tensor y = Tensor.zeros(n, outH, outW, c);
        for (int b = 0; b < n; b++) {
            for (int iy = 0; iy < h; iy++) {
                int src = ((b * h + iy) * w) * c;
                int dst = ((b * outH + iy + top) * outW + left) * c;
                System.arraycopy(x.data(), src, y.data(), dst, w * c);
            }
        }
        return y;
    }

    /** Removes {@code top, bottom, left, right} rows/columns from each image. */
    static Tensor crop(Tensor x, int top, int bottom, int left, int right) {
        int n = x.dim(0);
        int h = x.dim(1);
        int w = x.dim(2);
        int c = x.dim(3);
        int outH = h - top - bottom;
        int outW = w - left - right;
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("cropping (" + top + ", " + bottom + "), (" + left + ", " + right
                    + ") leaves nothing of input " + x);
        }
        Tensor y = Tensor.zeros(n, outH, outW, c);
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < outH; oy++) {
                int src = ((b * h + oy + top) * w + left) * c;
                int dst = ((b * outH + oy) * outW) * c;
                System.arraycopy(x.data(), src, y.data(), dst, outW * c);
            }
        }
        return y;
    }
}
