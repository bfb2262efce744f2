package io.gradcam4j.keras.download;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The HDF5 format signature. Used for files Keras publishes no hash for (MobileNet): a proxy
 * or captive portal answering 200 with an HTML page would otherwise be cached as weights and
 * fail later with a confusing HDF5 error. The HDF5 spec puts the superblock at byte 0 or at
 * 512, 1024, 2048, ... when the file has a user block.
 */
final class Hdf5Signature {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private Hdf5Signature() {
    }

    static boolean present(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            for (long offset = 0; offset + SIGNATURE.length <= size; offset = offset == 0 ? 512 : offset * 2) {
                if (signatureAt(channel, offset)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static boolean signatureAt(FileChannel channel, long offset) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(SIGNATURE.length);
        while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
            // read until full; a short read only happens at end of file, handled by the loop bound
        }
        return Arrays.equals(buffer.array(), SIGNATURE);
    }
}
