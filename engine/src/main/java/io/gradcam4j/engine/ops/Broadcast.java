package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Tensor;

import java.util.Arrays;

/**
 * NumPy broadcasting of inputs of one rank, as Keras's merge layers apply it: a dimension of 1
 * stretches to the size the other inputs have there (an (N, H, W, C) feature map times an
 * (N, 1, 1, C) squeeze-and-excitation gate). Values are walked row by row, a row being the last
 * axis, with each input's offset for the row and its step along the row (0 when stretched).
 */
final class Broadcast {
    private Broadcast() {
    }

    /** The shape every input stretches to; refuses other ranks and sizes that neither match nor are 1. */
    static int[] outputShape(int[][] shapes, String layer) {
        int[] out = shapes[0].clone();
        for (int[] s : shapes) {
            if (s.length != out.length) {
                throw new IllegalArgumentException(layer + " needs inputs of one rank, got " + describe(shapes));
            }
            for (int d = 0; d < out.length; d++) {
                if (s[d] != out[d] && s[d] != 1 && out[d] != 1) {
                    throw new IllegalArgumentException(layer + " cannot broadcast " + describe(shapes));
                }
                out[d] = Math.max(out[d], s[d]);
            }
        }
        return out;
    }

    /** {@code acc[i] *= x[the element output i reads]}, for {@code acc} of the output shape. */
    static void multiplyInto(float[] acc, int[] outShape, Tensor x) {
        float[] xs = x.data();
        int row = outShape[outShape.length - 1];
        int step = rowStep(x.shape(), outShape);
        int[] bases = rowBases(outShape, x.shape());
        for (int r = 0; r < bases.length; r++) {
            int o = r * row;
            int in = bases[r];
            for (int j = 0; j < row; j++) {
                acc[o + j] *= xs[in + j * step];
            }
        }
    }

    /** {@code values} (output shape) summed into a tensor of {@code inShape} over the stretched dimensions. */
    static Tensor sumInto(float[] values, int[] outShape, int[] inShape) {
        Tensor g = Tensor.zeros(inShape);
        float[] gs = g.data();
        int row = outShape[outShape.length - 1];
        int step = rowStep(inShape, outShape);
        int[] bases = rowBases(outShape, inShape);
        for (int r = 0; r < bases.length; r++) {
            int o = r * row;
            int in = bases[r];
            for (int j = 0; j < row; j++) {
                gs[in + j * step] += values[o + j];
            }
        }
        return g;
    }

    private static int rowStep(int[] inShape, int[] outShape) {
        int last = outShape.length - 1;
        return inShape[last] == 1 && outShape[last] != 1 ? 0 : 1;
    }

    /** For each output row (all axes but the last, C order), the input's offset of that row. */
    private static int[] rowBases(int[] outShape, int[] inShape) {
        int lead = outShape.length - 1;
        int[] strides = new int[lead];        // the input's C-order strides, 0 along stretched axes
        int stride = inShape[lead];
        for (int d = lead - 1; d >= 0; d--) {
            strides[d] = inShape[d] == 1 && outShape[d] != 1 ? 0 : stride;
            stride *= inShape[d];
        }
        int rows = 1;
        for (int d = 0; d < lead; d++) {
            rows *= outShape[d];
        }
        int[] bases = new int[rows];
        int[] index = new int[lead];
        int base = 0;
        for (int r = 0; r < rows; r++) {
            bases[r] = base;
            for (int d = lead - 1; d >= 0; d--) {     // odometer: next row
                index[d]++;
                base += strides[d];
                if (index[d] < outShape[d]) {
                    break;
                }
                base -= strides[d] * outShape[d];
                index[d] = 0;
            }
        }
        return bases;
    }

    private static String describe(int[][] shapes) {
        StringBuilder b = new StringBuilder();
        for (int[] s : shapes) {
            b.append(b.length() == 0 ? "" : " and ").append(Arrays.toString(s));
        }
        return b.toString();
    }
}
