package io.gradcam4j.engine.kernels;

import io.gradcam4j.engine.Padding;

/**
 * Where a sliding window (convolution or pooling) reads an NHWC input: sizes, strides,
 * dilation and the top/left padding, computed once per call with Keras's padding rule.
 * Output pixel (oy, ox), tap (ky, kx) reads input row {@code oy*strideH - padTop + ky*dilationH}.
 */
public record WindowGeometry(
        int batch, int inH, int inW, int channels,
        int kh, int kw, int strideH, int strideW, int dilationH, int dilationW,
        int padTop, int padLeft, int outH, int outW) {

    public static WindowGeometry of(int[] nhwc, int kh, int kw, int strideH, int strideW,
                                    int dilationH, int dilationW, Padding padding) {
        int h = nhwc[1];
        int w = nhwc[2];
        long spanH = (long) (kh - 1) * dilationH + 1;
        long spanW = (long) (kw - 1) * dilationW + 1;
        // a zero-padded copy of the input may be made: refuse windows whose padding cannot fit one array
        long padded = (long) nhwc[0] * (h + spanH) * (w + spanW) * nhwc[3];
        if (padded > Integer.MAX_VALUE - 8) {
            throw new io.gradcam4j.engine.errors.ResourceLimitException("a window of " + spanH + "x" + spanW + " (kernel " + kh + "x" + kw
                    + ", dilation " + dilationH + "x" + dilationW + ") over an input of " + h + "x" + w
                    + " needs a padded input of " + padded + " values, more than one array holds");
        }
        return new WindowGeometry(nhwc[0], h, w, nhwc[3], kh, kw, strideH, strideW, dilationH, dilationW,
                padding.padBefore(h, kh, strideH, dilationH), padding.padBefore(w, kw, strideW, dilationW),
                padding.outputSize(h, kh, strideH, dilationH), padding.outputSize(w, kw, strideW, dilationW));
    }

    /** Input row read by output row {@code oy} at tap {@code ky}; may fall outside [0, inH). */
    public int inRow(int oy, int ky) {
        return oy * strideH - padTop + ky * dilationH;
    }

    public int inCol(int ox, int kx) {
        return ox * strideW - padLeft + kx * dilationW;
    }

    /** Output row that reads input row {@code iy} at tap {@code ky}, or -1 when none does. */
    public int outRowReading(int iy, int ky) {
        int t = iy + padTop - ky * dilationH;
        if (t < 0 || t % strideH != 0) {
            return -1;
        }
        int oy = t / strideH;
        return oy < outH ? oy : -1;
    }

    public int outColReading(int ix, int kx) {
        int t = ix + padLeft - kx * dilationW;
        if (t < 0 || t % strideW != 0) {
            return -1;
        }
        int ox = t / strideW;
        return ox < outW ? ox : -1;
    }

    /**
     * Offsets in an NHWC input (channel 0) of the window cells of output pixel (n, oy, ox) that lie
     * inside the image, row by row, into {@code cells} (kh * kw long); returns how many. A pooling
     * window with none has no value: refused (Keras's padding leaves every window at least one).
     */
    public int poolingCells(int n, int oy, int ox, int[] cells) {
        int nc = 0;
        for (int ky = 0; ky < kh; ky++) {
            int iy = inRow(oy, ky);
            if (iy < 0 || iy >= inH) {
                continue;
            }
            for (int kx = 0; kx < kw; kx++) {
                int ix = inCol(ox, kx);
                if (ix >= 0 && ix < inW) {
                    cells[nc++] = ((n * inH + iy) * inW + ix) * channels;
                }
            }
        }
        if (nc == 0) {
            throw new IllegalArgumentException("the pooling window of output pixel (" + oy + ", " + ox
                    + ") covers no input cell: " + this);
        }
        return nc;
    }

    public int[] outputShape(int outChannels) {
        return new int[] {batch, outH, outW, outChannels};
    }
}
