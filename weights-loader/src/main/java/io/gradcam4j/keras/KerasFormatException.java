package io.gradcam4j.keras;

import io.gradcam4j.engine.errors.DamagedInputException;
import io.gradcam4j.engine.errors.Gradcam4jException;

/**
 * A Keras model or layer that cannot be turned into an engine graph because the file is wrong: a
 * config value out of range, weights that do not match the config, a damaged file. The message
 * names the layer (and the file, when known) so the user can find it. What is valid Keras but
 * beyond gradcam4j is an {@link UnsupportedKerasFeatureException}.
 */
public class KerasFormatException extends DamagedInputException {
    public KerasFormatException(String message) {
        super(message);
    }

    public KerasFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The same failure, of the same kind, with a longer message (the file's name added). */
    KerasFormatException withMessage(String message) {
        return new KerasFormatException(message, this);
    }

    /**
     * A loader error with a longer message, of the same category: a damaged file stays damaged, an
     * unsupported feature unsupported; any other error is returned as it is.
     */
    static Gradcam4jException reworded(Gradcam4jException e, String message) {
        if (e instanceof KerasFormatException damaged) {
            return damaged.withMessage(message);
        }
        if (e instanceof UnsupportedKerasFeatureException unsupported) {
            return unsupported.withMessage(message);
        }
        return e;
    }
}
