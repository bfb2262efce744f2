package io.gradcam4j.engine;

/**
 * How a backward pass sends a gradient through the ReLU family (relu, relu6, leaky and
 * thresholded relu, also where a relu was folded into a convolution). Guided backpropagation and
 * deconvnet are not new ops but these rules, chosen for one backward pass with
 * {@link BackwardRules}.
 */
public enum ReluRule {
    /** The derivative: {@code dx = dy * f'(x)}. */
    STANDARD,
    /** Guided backpropagation (Springenberg et al.; Captum): {@code dx = max(dy * f'(x), 0)}. */
    GUIDED,
    /** Deconvnet (Zeiler and Fergus; Captum): {@code dx = max(dy, 0)}, the forward pass ignored. */
    DECONVNET;

    /** The input gradient for output gradient {@code dy} where the op's derivative is {@code derivative}. */
    public float apply(float dy, float derivative) {
        return switch (this) {
            case STANDARD -> dy * derivative;
            case GUIDED -> Math.max(dy * derivative, 0f);
            case DECONVNET -> Math.max(dy, 0f);
        };
    }
}
