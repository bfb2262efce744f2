package io.gradcam4j.cam;

/**
 * Which number of the target class is explained. {@code LOGIT}, the default as in the Keras
 * Grad-CAM example and pytorch-grad-cam, is the value before the model's final softmax (or
 * sigmoid); a model without one has its raw output explained. {@code PROBABILITY} is the output
 * after the final activation.
 */
public enum ScoreKind {
    LOGIT, PROBABILITY
}
