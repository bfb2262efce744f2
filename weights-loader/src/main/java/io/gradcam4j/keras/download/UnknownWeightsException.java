package io.gradcam4j.keras.download;

import io.gradcam4j.engine.errors.InvalidRequestException;

/**
 * A weights name gradcam4j has no official file for. The message lists the valid names, so a
 * user who typed {@code vgg91} sees what to type instead.
 */
public class UnknownWeightsException extends InvalidRequestException {
    public UnknownWeightsException(String message) {
        super(message);
    }
}
