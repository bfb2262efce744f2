package io.gradcam4j.keras.download;

import java.net.URI;
import java.nio.file.Path;

/**
 * A downloaded file whose hash is not the one Keras publishes: truncated, corrupted, or not the
 * file we asked for. The downloaded copy has already been deleted when this is thrown.
 */
public class WeightsHashMismatchException extends WeightsDownloadException {
    private final String expected;
    private final String actual;

    public WeightsHashMismatchException(WeightsFile file, URI url, Path target, String actual) {
        super("downloaded " + file.fileName() + " from " + url + " but its "
                + file.hashAlgorithm().orElseThrow() + " hash is " + actual + ", expected " + file.fileHash()
                + "; the download was deleted, nothing was written to " + target + ".\n"
                + manualInstructions(file, url, target), url, target, null);
        this.expected = file.fileHash();
        this.actual = actual;
    }

    public String expected() {
        return expected;
    }

    public String actual() {
        return actual;
    }
}
