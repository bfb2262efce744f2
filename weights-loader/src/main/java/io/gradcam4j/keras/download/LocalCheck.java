package io.gradcam4j.keras.download;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a file on disk is the official file: its hash matches the published one, or, when
 * none is published, it is at least an HDF5 file.
 *
 * @param path    the file looked at
 * @param present whether it exists
 * @param valid   whether it may be used
 * @param problem why it may not be used (for messages), or null
 */
record LocalCheck(Path path, boolean present, boolean valid, String problem) {

    static LocalCheck of(Path path, WeightsFile file) {
        if (!Files.isRegularFile(path)) {
            return new LocalCheck(path, false, false, null);
        }
        try {
            return file.fileHash() == null ? bySignature(path) : byHash(path, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    private static LocalCheck byHash(Path path, WeightsFile file) throws IOException {
        HashAlgorithm algorithm = file.hashAlgorithm().orElseThrow();
        String actual = algorithm.hashFile(path);
        boolean valid = actual.equals(file.fileHash());
        return new LocalCheck(path, true, valid, valid ? null
                : "the file at " + path + " has " + algorithm + " " + actual + ", expected " + file.fileHash());
    }

    private static LocalCheck bySignature(Path path) throws IOException {
        boolean valid = Hdf5Signature.present(path);
        return new LocalCheck(path, true, valid, valid ? null : "the file at " + path + " is not an HDF5 file");
    }
}
