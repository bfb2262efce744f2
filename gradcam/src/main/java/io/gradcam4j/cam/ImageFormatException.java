package io.gradcam4j.cam;

import java.io.IOException;

/** A file that is not a readable JPEG or PNG image. The message names the file. */
public class ImageFormatException extends IOException {
    public ImageFormatException(String message) {
        super(message);
    }

    public ImageFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
