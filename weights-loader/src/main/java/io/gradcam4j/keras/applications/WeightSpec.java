package io.gradcam4j.keras.applications;

/** One weight a layer will own: its Keras name ({@code kernel}, {@code gamma}...) and shape. */
public record WeightSpec(String name, int[] shape) {
}
