package io.gradcam4j.keras.download;

import java.net.URI;
import java.nio.file.Path;

/**
 * The download server could not be reached (connection refused, unknown host, time-out): the
 * machine is probably offline or behind a firewall. The message says which URL to download
 * and the full path where to put the file.
 */
public class WeightsOfflineException extends WeightsDownloadException {
    public WeightsOfflineException(String message, URI url, Path target, Throwable cause) {
        super(message, url, target, cause);
    }
}
