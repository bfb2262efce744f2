package io.gradcam4j.keras.download;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One downloadable weights file, described the way Keras's {@code get_file} call describes it.
 *
 * @param name         gradcam4j's name for it, e.g. {@code vgg19_no_top}, {@code mobilenet_0.25_224}
 * @param fileName     the file name Keras caches it under (first argument of {@code get_file}); the
 *                     last part of {@code relativePath} except for NASNet
 * @param relativePath the URL path below the base URL, e.g. {@code vgg19/vgg19_..._notop.h5};
 *                     kept relative so a mirror or a test server can replace the host
 * @param fileHash     the hash Keras passes as {@code file_hash} (lower-case hex, md5 or sha256 by
 *                     length), or {@code null} when Keras publishes none
 * @param cacheSubdir  Keras's {@code cache_subdir}, the folder below the cache root
 */
public record WeightsFile(String name, String fileName, String relativePath, String fileHash, String cacheSubdir) {
    public WeightsFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cacheSubdir, "cacheSubdir");
        if (fileName.isEmpty() || fileName.contains("/") || fileName.contains("\\")) {
            throw new IllegalArgumentException("file name '" + fileName + "' must be a plain file name");
        }
        if (relativePath.startsWith("/") || relativePath.contains("://")) {
            throw new IllegalArgumentException("path '" + relativePath + "' must be relative to the base URL");
        }
        if (fileHash != null) {
            fileHash = fileHash.toLowerCase(Locale.ROOT);
            HashAlgorithm.forHash(fileHash);   // refuses a malformed hash at construction
        }
    }

    /** The algorithm of {@link #fileHash}, empty when no hash is published. */
    public Optional<HashAlgorithm> hashAlgorithm() {
        return fileHash == null ? Optional.empty() : Optional.of(HashAlgorithm.forHash(fileHash));
    }

    /** The URL Keras downloads it from. */
    public URI url() {
        return url(OfficialWeights.KERAS_BASE_URL);
    }

    /** The URL below another base (a mirror, a test server); the base is read as a folder. */
    public URI url(URI base) {
        String b = base.toString();
        return URI.create(b.endsWith("/") ? b : b + "/").resolve(relativePath);
    }
}
