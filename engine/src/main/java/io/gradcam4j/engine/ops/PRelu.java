package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

import java.util.List;

/**
 * Parametric ReLU: x for x > 0, alpha * x otherwise, with a learned alpha shaped like the input
 * without its batch axis and with size 1 on the shared axes (broadcast there).
 */
public final class PRelu implements Op {
    private final Param alpha;

    public PRelu(Param alpha) {
        this.alpha = alpha;
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Tensor x = inputs[0];
        int[] alphaIndex = alphaIndexPerValue(x);
        float[] a = alpha.value().data();
        float[] xs = x.data();
        Tensor y = Tensor.zerosLike(x);
        float[] ys = y.data();
        for (int i = 0; i < xs.length; i++) {
            ys[i] = xs[i] > 0f ? xs[i] : a[alphaIndex[i]] * xs[i];
        }
        return new Step(y, (dy, weightGrads) -> {
            float[] g = dy.data();
            Tensor dx = Tensor.zerosLike(x);
            float[] d = dx.data();
            for (int i = 0; i < xs.length; i++) {
                d[i] = xs[i] > 0f ? g[i] : a[alphaIndex[i]] * g[i];
            }
            if (weightGrads != null && alpha.trainable()) {
                float[] da = weightGrads.of(alpha).data();
                for (int i = 0; i < xs.length; i++) {
                    if (xs[i] <= 0f) {
                        da[alphaIndex[i]] += g[i] * xs[i];
                    }
                }
            }
            return new Tensor[] {dx};
        });
    }

    /** For each input value, the index of its alpha (broadcasting size-1 axes). */
    private int[] alphaIndexPerValue(Tensor x) {
        int[] xs = x.shape();
        int[] as = alpha.value().shape();
        if (as.length != xs.length - 1) {
            throw new IllegalArgumentException("PReLU alpha " + alpha.value() + " does not fit input " + x);
        }
        int[] index = new int[x.size()];
        int[] coord = new int[xs.length];
        for (int i = 0; i < index.length; i++) {
            int a = 0;
            for (int d = 1; d < xs.length; d++) {
                int ad = as[d - 1];
                if (ad != 1 && ad != xs[d]) {
                    throw new IllegalArgumentException("PReLU alpha " + alpha.value() + " does not fit input " + x);
                }
                a = a * ad + (ad == 1 ? 0 : coord[d]);
            }
            index[i] = a;
            for (int d = xs.length - 1; d >= 0; d--) {
                if (++coord[d] < xs[d]) {
                    break;
                }
                coord[d] = 0;
            }
        }
        return index;
    }

    @Override
    public List<Param> params() {
        return List.of(alpha);
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return inputShapes[0].clone();
    }

    @Override
    public String describe() {
        return "PReLU";
    }
}
