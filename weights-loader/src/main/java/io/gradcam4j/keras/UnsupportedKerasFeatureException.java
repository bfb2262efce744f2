package io.gradcam4j.keras;

import io.gradcam4j.engine.errors.UnsupportedFeatureException;

/**
 * Valid Keras (or HDF5) that gradcam4j does not run: a layer class it does not know, a Lambda
 * (Python code, never executed), an argument value it does not implement, an HDF5 feature that
 * jHDF, the HDF5 reader, does not read. The file is not damaged: what is damaged is a
 * {@link KerasFormatException}.
 */
public class UnsupportedKerasFeatureException extends UnsupportedFeatureException {
    public UnsupportedKerasFeatureException(String message) {
        super(message);
    }

    public UnsupportedKerasFeatureException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The same refusal with a longer message (the file's name, the nested model added). */
    UnsupportedKerasFeatureException withMessage(String message) {
        return new UnsupportedKerasFeatureException(message, this);
    }
}
