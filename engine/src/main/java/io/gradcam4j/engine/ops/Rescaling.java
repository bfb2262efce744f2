package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

import java.util.Arrays;

/**
 * Keras Rescaling: {@code y = x * scale + offset}. Scale and offset are one value, or one
 * value per channel (broadcast along the last axis), as Keras allows.
 */
public final class Rescaling implements Op {
    private final float[] scale;
    private final float[] offset;

    public Rescaling(float[] scale, float[] offset) {
        if (scale.length == 0 || offset.length == 0) {
            throw new IllegalArgumentException("Rescaling needs a scale and an offset");
        }
        this.scale = scale.clone();
        this.offset = offset.clone();
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Tensor x = inputs[0];
        int c = x.dim(-1);
        check(scale, c, x);
        check(offset, c, x);
        Tensor y = Tensor.zerosLike(x);
        float[] xs = x.data();
        float[] ys = y.data();
        for (int i = 0; i < xs.length; i++) {
            int ch = i % c;
            ys[i] = xs[i] * at(scale, ch) + at(offset, ch);
        }
        return new Step(y, (dy, weightGrads) -> {
            Tensor dx = Tensor.zerosLike(x);
            float[] g = dy.data();
            float[] d = dx.data();
            for (int i = 0; i < g.length; i++) {
                d[i] = g[i] * at(scale, i % c);
            }
            return new Tensor[] {dx};
        });
    }

    private static void check(float[] v, int channels, Tensor x) {
        if (v.length != 1 && v.length != channels) {
            throw new IllegalArgumentException("Rescaling value of " + v.length + " entries does not fit input " + x);
        }
    }

    private static float at(float[] v, int ch) {
        return v.length == 1 ? v[0] : v[ch];
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return inputShapes[0].clone();
    }

    @Override
    public String describe() {
        return "Rescaling(scale " + Arrays.toString(scale) + ", offset " + Arrays.toString(offset) + ")";
    }
}
