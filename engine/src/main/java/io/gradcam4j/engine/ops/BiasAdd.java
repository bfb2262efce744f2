package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.BackwardRules;
import io.gradcam4j.engine.BiasGradientListener;
import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

import java.util.List;

/** Adds a bias vector along the last (channel) axis. */
public final class BiasAdd implements Op {
    private final Param bias;

    public BiasAdd(Param bias) {
        bias.value().requireRank(1, "bias");
        this.bias = bias;
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Tensor x = inputs[0];
        float[] b = bias.value().data();
        int c = b.length;
        if (x.dim(-1) != c) {
            throw new IllegalArgumentException("bias of " + c + " values does not match input " + x);
        }
        Tensor y = x.copy();
        float[] ys = y.data();
        for (int i = 0; i < ys.length; i += c) {
            for (int j = 0; j < c; j++) {
                ys[i + j] += b[j];
            }
        }
        return new Step(y, (dy, weightGrads) -> {
            BiasGradientListener biases = BackwardRules.current().biases();
            if (biases != null && dy.rank() == 4) {
                biases.heard(b, dy);   // FullGrad: the gradient at this bias's output
            }
            if (weightGrads != null && bias.trainable()) {
                float[] db = weightGrads.of(bias).data();
                float[] g = dy.data();
                for (int i = 0; i < g.length; i += c) {
                    for (int j = 0; j < c; j++) {
                        db[j] += g[i + j];
                    }
                }
            }
            return new Tensor[] {dy};
        });
    }

    @Override
    public List<Param> params() {
        return List.of(bias);
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return inputShapes[0].clone();
    }

    @Override
    public String describe() {
        return "bias";
    }
}
