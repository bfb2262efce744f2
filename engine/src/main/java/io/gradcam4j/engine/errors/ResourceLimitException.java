package io.gradcam4j.engine.errors;

/** The work would need more memory than allowed: a decompression bomb, an activation larger than the heap. */
public non-sealed class ResourceLimitException extends Gradcam4jException {

    public ResourceLimitException(String message) {
        super(message, null);
    }

    public ResourceLimitException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public final Kind kind() {
        return Kind.RESOURCE_LIMIT;
    }
}
