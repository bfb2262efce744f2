package io.gradcam4j.engine.errors;

/** Valid, but beyond what gradcam4j does: a Keras layer class, a Lambda, an image format. */
public non-sealed class UnsupportedFeatureException extends Gradcam4jException {

    public UnsupportedFeatureException(String message) {
        super(message, null);
    }

    public UnsupportedFeatureException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public final Kind kind() {
        return Kind.UNSUPPORTED;
    }
}
