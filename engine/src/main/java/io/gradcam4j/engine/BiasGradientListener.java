package io.gradcam4j.engine;

/**
 * Hears, during a backward pass, the gradient that reaches every bias of a spatial layer: the
 * gradient at the output of a convolution's bias addition (before its activation), and at the
 * output of a BatchNormalization. FullGrad sums {@code |bias * gradient|} over them.
 */
@FunctionalInterface
public interface BiasGradientListener {

    /**
     * @param bias the bias per channel (a BatchNormalization's is {@code beta - mean * gamma / sqrt(var + eps)})
     * @param gradient dL/d(output of the bias addition), (N, H, W, C); not to be modified
     */
    void heard(float[] bias, Tensor gradient);
}
