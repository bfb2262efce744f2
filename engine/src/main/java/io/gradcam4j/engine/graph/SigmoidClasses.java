package io.gradcam4j.engine.graph;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

/**
 * The classes the logits of a sigmoid output stand for. A sigmoid of one unit is a binary
 * classifier: its logit z becomes two classes (-z, z), so that class 1 is explained by z and
 * class 0 by its negation, as pytorch-grad-cam's {@code BinaryClassifierOutputTarget} does, and
 * the sigmoid of them gives (1 - p, p). A sigmoid of several units (independent labels) is
 * already one class per unit: its logits pass unchanged.
 */
final class SigmoidClasses implements Op {

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Tensor z = inputs[0];
        if (z.dim(-1) != 1) {
            return new Step(z, (dy, weightGrads) -> new Tensor[] {dy});
        }
        int[] shape = z.shape();
        shape[shape.length - 1] = 2;
        Tensor out = Tensor.zeros(shape);
        float[] zs = z.data();
        float[] o = out.data();
        for (int i = 0; i < zs.length; i++) {
            o[2 * i] = -zs[i];
            o[2 * i + 1] = zs[i];
        }
        return new Step(out, (dy, weightGrads) -> {
            Tensor dz = Tensor.zerosLike(z);
            float[] g = dy.data();
            float[] d = dz.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = g[2 * i + 1] - g[2 * i];
            }
            return new Tensor[] {dz};
        });
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        int[] s = inputShapes[0].clone();
        if (s[s.length - 1] == 1) {
            s[s.length - 1] = 2;
        }
        return s;
    }

    @Override
    public String describe() {
        return "sigmoid classes (one unit: -z, z)";
    }
}
