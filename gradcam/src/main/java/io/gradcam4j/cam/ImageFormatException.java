package io.gradcam4j.cam;


/** A file that is not a readable JPEG or PNG image: damaged, truncated, not an image. The message names the file. */
public class ImageFormatException extends io.gradcam4j.engine.errors.DamagedInputException {
    public ImageFormatException(String message) {
        super(message);
    }

    public ImageFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
