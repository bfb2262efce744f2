package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

/**
 * Softmax over the last axis, computed in double after subtracting the row maximum.
 * Gradient: dx = y * (dy - sum(dy * y)) per row.
 */
public final class Softmax implements Op {

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Tensor x = inputs[0];
        int classes = x.dim(-1);
        int rows = x.size() / classes;
        Tensor y = Tensor.zerosLike(x);
        float[] xs = x.data();
        float[] ys = y.data();
        for (int r = 0; r < rows; r++) {
            int off = r * classes;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) {
                max = Math.max(max, xs[off + j]);
            }
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                sum += Math.exp(xs[off + j] - max);
            }
            for (int j = 0; j < classes; j++) {
                ys[off + j] = (float) (Math.exp(xs[off + j] - max) / sum);
            }
        }
        return new Step(y, (dy, weightGrads) -> {
            Tensor dx = Tensor.zerosLike(x);
            float[] g = dy.data();
            float[] d = dx.data();
            for (int r = 0; r < rows; r++) {
                int off = r * classes;
                double dot = 0;
                for (int j = 0; j < classes; j++) {
                    dot += (double) g[off + j] * ys[off + j];
                }
                for (int j = 0; j < classes; j++) {
                    d[off + j] = (float) (ys[off + j] * (g[off + j] - dot));
                }
            }
            return new Tensor[] {dx};
        });
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return inputShapes[0].clone();
    }

    @Override
    public String describe() {
        return "softmax";
    }
}
