package io.gradcam4j.engine;

import java.util.List;

/**
 * One computation of the graph with its gradient rule, in the style of micrograd: running the
 * forward pass returns the output together with a small closure that knows how to push an
 * output gradient back to the inputs (and, on request, to the op's weights).
 *
 * <p>The closure captures only what its rule needs, so dropping a {@link Step} frees the
 * activations it kept.
 */
public interface Op {

    /** Forward pass; the returned step's backward closure may be ignored for inference. */
    Step forward(Tensor[] inputs, Mode mode);

    /** A short description used in error messages, e.g. {@code Conv2D(3x3, strides 2, same)}. */
    String describe();

    /**
     * The output shape for inputs of these shapes, found without computing anything (layer
     * summaries, the default Grad-CAM layer); {@code null} when the op cannot tell, e.g. a
     * Lambda a user registered: the graph then runs it to see.
     */
    default int[] outputShape(int[][] inputShapes) {
        return null;
    }

    /** The weights this op owns, in the order Keras lists them. */
    default List<Param> params() {
        return List.of();
    }

    /** Convenience for single-input ops at inference. */
    default Tensor apply(Tensor input) {
        return forward(new Tensor[] {input}, Mode.INFERENCE).output();
    }
}
