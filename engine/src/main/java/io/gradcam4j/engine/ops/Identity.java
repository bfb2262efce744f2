package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

/**
 * Passes its input through: the inference-time form of Dropout, the Random* augmentation
 * layers and the linear activation.
 */
public final class Identity implements Op {
    private final String what;

    /** @param what the layer this stands for, shown by {@link #describe()} */
    public Identity(String what) {
        this.what = what;
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        return new Step(inputs[0], (dy, weightGrads) -> new Tensor[] {dy});
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return inputShapes[0].clone();
    }

    @Override
    public String describe() {
        return what + " (identity)";
    }
}
