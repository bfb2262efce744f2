package io.gradcam4j.engine.train;

import io.gradcam4j.engine.Tensor;

/** A loss averaged over the batch and its gradient with respect to the predictions. */
public record LossValue(double value, Tensor gradient) {
}
