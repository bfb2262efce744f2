package io.gradcam4j.keras.download;

/**
 * A weights name gradcam4j has no official file for. The message lists the valid names, so a
 * user who typed {@code vgg91} sees what to type instead.
 */
public class UnknownWeightsException extends IllegalArgumentException {
    public UnknownWeightsException(String message) {
        super(message);
    }
}
