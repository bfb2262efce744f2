package io.gradcam4j.keras;

/**
 * One weight a Keras layer owns, as Keras names it: {@code learned} weights (kernel, bias, gamma,
 * beta, alpha) are trained; {@code statistics} (moving_mean, moving_variance, the Normalization
 * state) are not. Keras saves a nested model's weights as all learned ones first, then the rest,
 * so the kind decides where each weight sits in the file.
 */
record WeightSlot(String name, boolean trainable) {

    static WeightSlot learned(String name) {
        return new WeightSlot(name, true);
    }

    static WeightSlot statistic(String name) {
        return new WeightSlot(name, false);
    }

    @Override
    public String toString() {
        return name + (trainable ? "" : " (statistic)");
    }
}
