package io.gradcam4j.keras;

/**
 * Valid Keras that gradcam4j does not run: a layer class it does not know, a Lambda (Python code,
 * never executed), an argument value it does not implement. A {@link KerasFormatException} for the
 * callers that catch those, of kind {@code UNSUPPORTED} for those that tell them apart.
 */
public class UnsupportedKerasFeatureException extends KerasFormatException {
    public UnsupportedKerasFeatureException(String message) {
        super(message);
    }

    public UnsupportedKerasFeatureException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Kind kind() {
        return Kind.UNSUPPORTED;
    }

    @Override
    KerasFormatException withMessage(String message) {
        return new UnsupportedKerasFeatureException(message, this);
    }
}
