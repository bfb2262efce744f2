package io.gradcam4j.engine.errors;

/**
 * Something the work needs cannot be reached now, through no fault of the request or of a file:
 * official weights to download without a network, a download that failed or did not match its
 * published hash. Trying again later, or placing the file by hand, helps.
 */
public non-sealed class UnavailableException extends Gradcam4jException {

    public UnavailableException(String message) {
        super(message, null);
    }

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public final Kind kind() {
        return Kind.UNAVAILABLE;
    }
}
