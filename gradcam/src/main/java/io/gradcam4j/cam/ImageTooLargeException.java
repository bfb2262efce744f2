package io.gradcam4j.cam;


/**
 * An image whose header declares more pixels than the limit (Pillow's decompression-bomb rule):
 * refused before decoding, so a small file cannot exhaust memory. A resource limit, not damage.
 */
public class ImageTooLargeException extends io.gradcam4j.engine.errors.ResourceLimitException {
    public ImageTooLargeException(String message) {
        super(message);
    }
}
