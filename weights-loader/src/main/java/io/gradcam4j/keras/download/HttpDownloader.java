package io.gradcam4j.keras.download;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Streams one URL into a new file next to its final place, hashing on the way so a 575 MB file is
 * read only once. Knows HTTP, nothing about caches or Keras.
 */
final class HttpDownloader {
    private static final int CHUNK = 1 << 16;

    /** A finished download: the partial file's path and the hash of its bytes (null if none asked). */
    record Download(Path file, String hash) {
    }

    /** A server that answered, but not with the file. */
    static final class HttpStatusException extends IOException {
        final int status;

        HttpStatusException(int status) {
            super("HTTP status " + status);
            this.status = status;
        }
    }

    private final HttpClient client;
    private final Duration timeout;

    HttpDownloader(HttpClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    /**
     * Downloads {@code url} into a fresh {@code <fileName>.part-*} file in {@code folder}; the file
     * is deleted again if anything fails. {@code algorithm} may be null (nothing to hash).
     */
    Download fetch(URI url, Path folder, String fileName, HashAlgorithm algorithm, DownloadProgress progress)
            throws IOException, InterruptedException {
        // The request time-out bounds the wait for the response headers, not the whole body.
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new HttpStatusException(response.statusCode());
            }
            long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            Path part = newPartFile(folder, fileName);
            try {
                return new Download(part, copy(body, part, algorithm, total, progress));
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(part);
                throw e;
            }
        }
    }

    private static String copy(InputStream body, Path part, HashAlgorithm algorithm, long total,
                               DownloadProgress progress) throws IOException {
        MessageDigest digest = algorithm == null ? null : algorithm.newDigest();
        byte[] buffer = new byte[CHUNK];
        long written = 0;
        progress.update(0, total);
        try (OutputStream out = Files.newOutputStream(part)) {
            for (int n = read(body, buffer, written, total); n >= 0; n = read(body, buffer, written, total)) {
                out.write(buffer, 0, n);
                if (digest != null) {
                    digest.update(buffer, 0, n);
                }
                written += n;
                progress.update(written, total);
            }
        }
        if (total >= 0 && written != total) {
            throw new IOException("connection closed after " + written + " of " + total + " bytes");
        }
        return digest == null ? null : HashAlgorithm.hex(digest);
    }

    /** One read; a failure says how far the download got (the JDK's own message is just "closed"). */
    private static int read(InputStream body, byte[] buffer, long written, long total) throws IOException {
        try {
            return body.read(buffer);
        } catch (IOException e) {
            throw new IOException("connection lost after " + written + " of "
                    + (total >= 0 ? total : "?") + " bytes (" + e.getMessage() + ")", e);
        }
    }

    /**
     * A new, uniquely named file in the target's folder, so the final move is a rename on one file
     * system. Not Files.createTempFile: that makes the file owner-only on POSIX, which would leave
     * a shared cache folder ($GRADCAM4J_CACHE) unreadable to other users.
     */
    private static Path newPartFile(Path folder, String fileName) throws IOException {
        String suffix = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        return Files.createFile(folder.resolve(fileName + ".part-" + suffix));
    }
}
