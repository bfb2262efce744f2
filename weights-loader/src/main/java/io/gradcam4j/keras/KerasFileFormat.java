package io.gradcam4j.keras;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a Keras model file is, told by its first bytes and never by its name: tf.keras 2.x wrote
 * HDF5 whatever the extension, so a file called {@code .keras} may be HDF5, and a {@code .h5} may
 * be a renamed zip archive.
 */
enum KerasFileFormat {
    /** A Keras v3 archive ({@code model.save("m.keras")}): a zip, starting {@code PK\x03\x04}. */
    KERAS_ARCHIVE,
    /** An HDF5 file ({@code \x89HDF}): the legacy {@code .h5} full-model or weights file. */
    HDF5,
    /** Anything else: left to the HDF5 reader, which explains what the file starts with. */
    UNKNOWN;

    private static final byte[] ZIP_LOCAL_HEADER = {'P', 'K', 3, 4};
    /** An archive with no members starts with its end-of-central-directory record. */
    private static final byte[] ZIP_EMPTY_ARCHIVE = {'P', 'K', 5, 6};
    private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F'};

    static KerasFileFormat of(ByteBuffer bytes) {
        byte[] head = new byte[Math.min(4, bytes.capacity())];
        bytes.duplicate().position(0).get(head);
        return of(head);
    }

    static KerasFileFormat of(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return of(in.readNBytes(4));
        }
    }

    private static KerasFileFormat of(byte[] head) {
        if (startsWith(head, ZIP_LOCAL_HEADER) || startsWith(head, ZIP_EMPTY_ARCHIVE)) {
            return KERAS_ARCHIVE;
        }
        return startsWith(head, HDF5_SIGNATURE) ? HDF5 : UNKNOWN;
    }

    private static boolean startsWith(byte[] head, byte[] signature) {
        if (head.length < signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if (head[i] != signature[i]) {
                return false;
            }
        }
        return true;
    }
}
