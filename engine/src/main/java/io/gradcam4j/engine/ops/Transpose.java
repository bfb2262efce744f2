package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

import java.util.Arrays;

/**
 * Permutes the axes of a tensor: output axis i is input axis {@code perm[i]}. Used to run
 * {@code channels_first} layers on the NHWC engine (NCHW -> NHWC, the layer, NHWC -> NCHW) and
 * for Keras's Permute layer. The gradient is the inverse permutation.
 */
public final class Transpose implements Op {
    private final int[] perm;

    public Transpose(int... perm) {
        int[] sorted = perm.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] != i) {
                throw new IllegalArgumentException(Arrays.toString(perm) + " is not a permutation");
            }
        }
        this.perm = perm.clone();
    }

    public static Transpose nchwToNhwc() {
        return new Transpose(0, 2, 3, 1);
    }

    public static Transpose nhwcToNchw() {
        return new Transpose(0, 3, 1, 2);
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Tensor x = inputs[0];
        x.requireRank(perm.length, describe());
        int[] inverse = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inverse[perm[i]] = i;
        }
        return new Step(permute(x, perm), (dy, weightGrads) -> new Tensor[] {permute(dy, inverse)});
    }

    private static Tensor permute(Tensor x, int[] perm) {
        int rank = perm.length;
        int[] in = x.shape();
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            out[i] = in[perm[i]];
        }
        int[] inStrides = new int[rank];
        int s = 1;
        for (int i = rank - 1; i >= 0; i--) {
            inStrides[i] = s;
            s *= in[i];
        }
        Tensor y = Tensor.zeros(out);
        float[] xs = x.data();
        float[] ys = y.data();
        int[] coord = new int[rank];
        for (int o = 0; o < ys.length; o++) {
            int src = 0;
            for (int i = 0; i < rank; i++) {
                src += coord[i] * inStrides[perm[i]];
            }
            ys[o] = xs[src];
            for (int i = rank - 1; i >= 0; i--) {
                if (++coord[i] < out[i]) {
                    break;
                }
                coord[i] = 0;
            }
        }
        return y;
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        int[] out = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            out[i] = inputShapes[0][perm[i]];
        }
        return out;
    }

    @Override
    public String describe() {
        return "Transpose" + Arrays.toString(perm);
    }
}
