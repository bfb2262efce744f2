package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.Workspace;
import io.gradcam4j.engine.kernels.Parallel;

import java.util.Arrays;

/**
 * Adding zero borders and cutting borders off an NHWC tensor: each is the other's gradient,
 * so ZeroPadding2D and Cropping2D share these two functions.
 */
final class Borders {
    private Borders() {
    }

    /**
     * Surrounds each image with zeros: {@code top, bottom, left, right} rows/columns. Each output
     * row is written once (zeros or the input row between zeros), rows in parallel: MobileNet's
     * paddings at batch 32 are 4 to 8 MB each.
     */
    static Tensor pad(Tensor x, int top, int bottom, int left, int right) {
        int h = x.dim(1);
        int w = x.dim(2);
        int c = x.dim(3);
        int outH = h + top + bottom;
        int outW = w + left + right;
        int[] shape = {x.dim(0), outH, outW, c};
        float[] out = Workspace.uninitialized((int) Tensor.sizeOf(shape));   // every element is written below
        float[] in = x.data();
        int rowFloats = outW * c;
        Parallel.forRange(x.dim(0) * outH, Math.max(1, 16384 / Math.max(1, rowFloats)), (from, to) -> {
            for (int row = from; row < to; row++) {
                int iy = row % outH - top;
                int dst = row * rowFloats;
                if (iy < 0 || iy >= h) {
                    Arrays.fill(out, dst, dst + rowFloats, 0f);
                    continue;
                }
                int data = dst + left * c;
                Arrays.fill(out, dst, data, 0f);
                System.arraycopy(in, ((row / outH) * h + iy) * w * c, out, data, w * c);
                Arrays.fill(out, data + w * c, dst + rowFloats, 0f);
            }
        });
        return Tensor.of(out, shape);
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
