package io.gradcam4j.engine.errors;

/** A file or an input is damaged or inconsistent: a corrupt model file, a truncated image, NaN in an input. */
public non-sealed class DamagedInputException extends Gradcam4jException {

    public DamagedInputException(String message) {
        super(message, null);
    }

    public DamagedInputException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public final Kind kind() {
        return Kind.DAMAGED_INPUT;
    }
}
