package io.gradcam4j.keras.applications;

import io.gradcam4j.engine.errors.InvalidRequestException;

/** The input sizes an architecture accepts, checked as Keras's {@code obtain_input_shape} does. */
final class InputSize {
    private InputSize() {
    }

    /**
     * Keras's {@code min_size} of each architecture: smaller inputs shrink to nothing before the
     * last block. With the classifier top, Keras also insists on the default size when it loads
     * the ImageNet weights, but the global-pooling top computes the same at any size, and seeded
     * weights (tests) may use small inputs: so only the minimum is enforced here.
     */
    static void requireAtLeast(String name, int height, int width, int min) {
        if (height < min || width < min) {
            throw new InvalidRequestException(name + " takes inputs of at least " + min + "x" + min + ", got "
                    + height + "x" + width);
        }
    }
}
