package io.gradcam4j.keras.download;

/**
 * Told how far a download has come, so the CLI can draw a bar. Called from the downloading
 * thread after every chunk (up to 64 KiB), once with 0 before the first and once at the end;
 * throttle in the implementation if drawing is expensive.
 */
@FunctionalInterface
public interface DownloadProgress {
    /** Reports nothing. */
    DownloadProgress NONE = (bytesSoFar, totalBytes) -> { };

    /**
     * @param bytesSoFar bytes written so far
     * @param totalBytes the Content-Length, or -1 when the server does not say
     */
    void update(long bytesSoFar, long totalBytes);
}
