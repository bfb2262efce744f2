package io.gradcam4j.engine;

/** The output of one forward step and the rule that sends its gradient back. */
public record Step(Tensor output, Backward backward) {
}
