package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

/**
 * Elementwise product of two or more same-shaped inputs. The gradient of input k is the output
 * gradient times the product of the other inputs (computed directly, so zeros are safe).
 */
public final class Multiply implements Op {

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Merge.requireSameShapes(inputs, "Multiply");
        Tensor y = productExcept(inputs, -1);
        return new Step(y, (dy, weightGrads) -> {
            Tensor[] grads = new Tensor[inputs.length];
            float[] g = dy.data();
            for (int k = 0; k < inputs.length; k++) {
                Tensor others = productExcept(inputs, k);
                float[] o = others.data();
                for (int i = 0; i < o.length; i++) {
                    o[i] *= g[i];
                }
                grads[k] = others;
            }
            return grads;
        });
    }

    private static Tensor productExcept(Tensor[] inputs, int skip) {
        Tensor out = Tensor.zerosLike(inputs[0]);
        float[] o = out.data();
        java.util.Arrays.fill(o, 1f);
        for (int k = 0; k < inputs.length; k++) {
            if (k == skip) {
                continue;
            }
            float[] xs = inputs[k].data();
            for (int i = 0; i < o.length; i++) {
                o[i] *= xs[i];
            }
        }
        return out;
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return inputShapes[0].clone();
    }

    @Override
    public String describe() {
        return "Multiply";
    }
}
