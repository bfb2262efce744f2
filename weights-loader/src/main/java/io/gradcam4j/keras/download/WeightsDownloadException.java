package io.gradcam4j.keras.download;

import io.gradcam4j.engine.errors.UnavailableException;

import java.net.URI;
import java.nio.file.Path;

/**
 * Official weights that could not be fetched or verified. Every message names the URL and the
 * local path, and says how to place the file by hand, because the user who sees this error is
 * often the one on a machine without internet access. Of kind {@code unavailable}: neither the
 * request nor a file of the user's is at fault.
 */
public class WeightsDownloadException extends UnavailableException {
    private final URI url;
    private final Path target;

    public WeightsDownloadException(String message, URI url, Path target, Throwable cause) {
        super(message, cause);
        this.url = url;
        this.target = target;
    }

    /** Where the file is downloaded from. */
    public URI url() {
        return url;
    }

    /** Where the file belongs on this machine. */
    public Path target() {
        return target;
    }

    /** The instructions a user without network access needs. */
    static String manualInstructions(WeightsFile file, URI url, Path target) {
        String hash = file.fileHash() == null ? ""
                : "\n(its " + file.hashAlgorithm().orElseThrow() + " hash must be " + file.fileHash() + ")";
        return "To install it by hand, download\n  " + url + "\non a machine with internet access and place it at\n  "
                + target + hash;
    }
}
