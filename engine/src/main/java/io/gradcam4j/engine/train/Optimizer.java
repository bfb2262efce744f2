package io.gradcam4j.engine.train;

import io.gradcam4j.engine.Gradients;
import io.gradcam4j.engine.Param;

import java.util.Map;

/**
 * Updates trainable weights from their gradients, one step per mini-batch, as a Keras optimizer's
 * {@code apply_gradients} does. An optimizer keeps its per-weight state (momentum, moments) and its
 * step count between calls, so one instance belongs to one training run.
 */
public interface Optimizer {

    /**
     * Applies one update to every trainable {@link Param} that has a gradient in {@code grads};
     * non-trainable params (BatchNorm moving statistics) and params without a gradient are left
     * as they are. The values are updated in place.
     */
    void step(Gradients grads);

    /** The current learning rate. */
    double learningRate();

    /** Changes the learning rate for the following steps (a schedule); the state is kept. */
    void learningRate(double lr);

    /** Number of {@link #step} calls so far (Keras's {@code iterations}). */
    long iterations();

    /** A short description for logs, e.g. {@code Adam(lr 0.001, ...)}. */
    String describe();

    /** The (param, gradient) pairs a step updates; shapes are checked. */
    static Iterable<Map.Entry<Param, io.gradcam4j.engine.Tensor>> trainable(Gradients grads) {
        return () -> grads.asMap().entrySet().stream().filter(e -> e.getKey().trainable()).peek(e -> {
            if (e.getValue().size() != e.getKey().value().size()) {
                throw new IllegalArgumentException("gradient " + e.getValue() + " does not match weight "
                        + e.getKey());
            }
        }).iterator();
    }
}
