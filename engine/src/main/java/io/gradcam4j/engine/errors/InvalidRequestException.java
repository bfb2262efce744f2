package io.gradcam4j.engine.errors;

/** The request itself is wrong: an option, a name, a class or a layer that does not fit the model. */
public non-sealed class InvalidRequestException extends Gradcam4jException {

    public InvalidRequestException(String message) {
        super(message, null);
    }

    public InvalidRequestException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public final Kind kind() {
        return Kind.INVALID_REQUEST;
    }
}
