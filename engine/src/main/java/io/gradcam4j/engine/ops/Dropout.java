package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

import java.util.Random;

/**
 * Dropout and SpatialDropout2D. At inference the identity. In training each value (or, for
 * spatial dropout, each channel of each image) is kept with probability {@code 1 - rate} and
 * scaled by {@code 1 / (1 - rate)}, so the expected output equals the input; the gradient
 * uses the same mask.
 */
public final class Dropout implements Op {
    private final float rate;
    private final boolean spatial;

    public Dropout(float rate, boolean spatial) {
        if (rate < 0f || rate >= 1f) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
        this.rate = rate;
        this.spatial = spatial;
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Tensor x = inputs[0];
        if (!mode.training() || rate == 0f) {
            return new Step(x, (dy, weightGrads) -> new Tensor[] {dy});
        }
        float[] scale = mask(x, mode.random());
        Tensor y = multiply(x, scale);
        return new Step(y, (dy, weightGrads) -> new Tensor[] {multiply(dy, scale)});
    }

    /** 0 for dropped values, 1/(1-rate) for kept ones. */
    private float[] mask(Tensor x, Random random) {
        float keep = 1f / (1f - rate);
        float[] m = new float[x.size()];
        if (!spatial) {
            for (int i = 0; i < m.length; i++) {
                m[i] = random.nextFloat() >= rate ? keep : 0f;
            }
            return m;
        }
        x.requireRank(4, "SpatialDropout2D");
        int n = x.dim(0);
        int pixels = x.dim(1) * x.dim(2);
        int c = x.dim(3);
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                float v = random.nextFloat() >= rate ? keep : 0f;
                for (int p = 0; p < pixels; p++) {
                    m[(b * pixels + p) * c + ch] = v;
                }
            }
        }
        return m;
    }

    private static Tensor multiply(Tensor t, float[] m) {
        Tensor out = Tensor.zerosLike(t);
        float[] src = t.data();
        float[] dst = out.data();
        for (int i = 0; i < dst.length; i++) {
            dst[i] = src[i] * m[i];
        }
        return out;
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return inputShapes[0].clone();
    }

    @Override
    public String describe() {
        return (spatial ? "SpatialDropout2D" : "Dropout") + "(rate " + rate + ")";
    }
}
