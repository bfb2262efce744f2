package io.gradcam4j.engine;

/** The gradient rule of one forward step. */
@FunctionalInterface
public interface Backward {

    /**
     * @param gradOutput dL/d(output), same shape as the step's output
     * @param weightGrads where to add dL/d(weight) for the op's trainable params, or {@code null}
     *     when only input gradients are wanted (Grad-CAM never computes weight gradients)
     * @return dL/d(input i) for each input, same shapes as the inputs
     */
    Tensor[] apply(Tensor gradOutput, Gradients weightGrads);
}
