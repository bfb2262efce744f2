package io.gradcam4j.keras;

/**
 * A Keras model or layer that cannot be turned into an engine graph: an unsupported layer
 * class, a config value out of range, weights that do not match the config. The message names
 * the layer (and the file, when known) so the user can find it.
 */
public class KerasFormatException extends RuntimeException {
    public KerasFormatException(String message) {
        super(message);
    }

    public KerasFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
