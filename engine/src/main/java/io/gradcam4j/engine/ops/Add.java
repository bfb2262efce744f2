package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

/** Sum of two or more same-shaped inputs; every input receives the output gradient. */
public final class Add implements Op {

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Merge.requireSameShapes(inputs, "Add");
        Tensor y = inputs[0].copy();
        float[] ys = y.data();
        for (int k = 1; k < inputs.length; k++) {
            float[] xs = inputs[k].data();
            for (int i = 0; i < ys.length; i++) {
                ys[i] += xs[i];
            }
        }
        int count = inputs.length;
        return new Step(y, (dy, weightGrads) -> {
            Tensor[] grads = new Tensor[count];
            java.util.Arrays.fill(grads, dy);
            return grads;
        });
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return inputShapes[0].clone();
    }

    @Override
    public String describe() {
        return "Add";
    }
}
