package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

/**
 * A score for a feature extractor (a model without its classifier, whose output is features,
 * not classes): {@link Over#ALL} adds every value of an item into one score, (N, 1);
 * {@link Over#POSITIONS} adds each channel over all its positions, (N, C), one score per channel
 * (an output that is already (N, C), pooled, passes unchanged). The gradient of a sum is one for
 * every value it adds.
 */
public final class FeatureSum implements Op {
    /** What is added together. */
    public enum Over {
        /** Every value of an item: one score. */
        ALL,
        /** Each channel over the positions of an item: one score per channel. */
        POSITIONS
    }

    private final Over over;

    public FeatureSum(Over over) {
        this.over = over;
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Tensor x = inputs[0];
        int n = x.dim(0);
        int perItem = x.size() / n;
        int width = over == Over.ALL ? 1 : x.dim(-1);
        float[] xs = x.data();
        float[] out = new float[n * width];
        for (int b = 0; b < n; b++) {
            double[] sums = new double[width];
            for (int i = 0; i < perItem; i++) {
                sums[i % width] += xs[b * perItem + i];
            }
            for (int k = 0; k < width; k++) {
                out[b * width + k] = (float) sums[k];
            }
        }
        return new Step(Tensor.of(out, n, width), (dy, weightGrads) -> {
            Tensor dx = Tensor.zerosLike(x);
            float[] g = dy.data();
            float[] d = dx.data();
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < perItem; i++) {
                    d[b * perItem + i] = g[b * width + i % width];
                }
            }
            return new Tensor[] {dx};
        });
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        int[] s = inputShapes[0];
        return new int[] {s[0], over == Over.ALL ? 1 : s[s.length - 1]};
    }

    @Override
    public String describe() {
        return over == Over.ALL ? "sum of every output value" : "sum of each channel over its positions";
    }
}
