package io.gradcam4j.keras.applications;

/**
 * A keras.applications architecture written in Java with Keras's exact layer names.
 *
 * @param name e.g. {@code vgg19}, {@code mobilenet_0.25_224}
 * @param spec its Keras config and weight shapes
 * @param preprocessing what {@code preprocess_input} does for it
 */
public record Application(String name, ModelSpec spec, Preprocessing preprocessing) {

    public int inputHeight() {
        return spec.inputShape()[0];
    }

    public int inputWidth() {
        return spec.inputShape()[1];
    }
}
