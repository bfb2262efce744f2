package io.gradcam4j.keras;

import io.jhdf.AbstractNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.checksum.ChecksumUtils;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Rewrites one message of a jHDF-written HDF5 file (version 2 object headers, with checksums) to
 * make the HDF5 features Keras refuses in weights files and jHDF cannot write: a virtual dataset,
 * external storage, a soft link and an external link; and VAX-ordered floats, which jHDF cannot read. Each rewrite keeps the message's size and
 * recomputes the header's checksum, so the file stays valid HDF5 and a reader meets exactly that
 * feature.
 */
final class Hdf5Surgery {
    private static final int DATATYPE = 0x03;
    private static final int LAYOUT = 0x08;
    private static final int EXTERNAL_DATA_FILES = 0x07;
    private static final int LINK = 0x06;

    private Hdf5Surgery() {
    }

    /** The dataset at {@code path} becomes a virtual dataset (layout class 3). */
    static byte[] virtualDataset(byte[] file, String path) {
        byte[] out = file.clone();
        Header h = header(out, path);
        int body = h.message(LAYOUT);
        out[body + 1] = 3;
        h.reseal();
        return out;
    }

    /**
     * The floats of the dataset at {@code path} are declared in VAX byte order (bits 0 and 6 of
     * the floating-point class bit field), which HDF5 defines and jHDF does not read.
     */
    static byte[] vaxFloats(byte[] file, String path) {
        byte[] out = file.clone();
        Header h = header(out, path);
        int body = h.message(DATATYPE);
        if ((out[body] & 0x0f) != 1) {
            throw new IllegalStateException("the dataset at " + path + " does not hold floating-point numbers");
        }
        out[body + 1] |= 0x41;
        h.reseal();
        return out;
    }

    /** The dataset at {@code path} keeps its data in external files (its layout message retyped as one). */
    static byte[] externalStorage(byte[] file, String path) {
        byte[] out = file.clone();
        Header h = header(out, path);
        out[h.message(LAYOUT) - h.messagePrefix] = EXTERNAL_DATA_FILES;
        h.reseal();
        return out;
    }

    /** The hard link {@code child} of the group at {@code groupPath} becomes a soft link to a 5-character path. */
    static byte[] softLink(byte[] file, String groupPath, String child) {
        byte[] out = file.clone();
        Header h = header(out, groupPath);
        int body = h.link(child);
        int size = h.messageSize(body);
        // version 1, flags: link type and charset present; type 1 (soft); UTF-8; the name; then the target
        byte[] target = "/abcdefghijklmnopqrstuvwxyz".substring(0, size - 8 - child.length() + 1).getBytes(
                StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.wrap(out, body, size).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 1).put((byte) 0x18).put((byte) 1).put((byte) 1).put((byte) child.length())
                .put(child.getBytes(StandardCharsets.US_ASCII)).putShort((short) target.length).put(target);
        h.reseal();
        return out;
    }

    /** The hard link {@code child} of the group at {@code groupPath} becomes an external link to {@code a:/}. */
    static byte[] externalLink(byte[] file, String groupPath, String child) {
        byte[] out = file.clone();
        Header h = header(out, groupPath);
        int body = h.link(child);
        int size = h.messageSize(body);
        byte[] info = {0, 'a', 0, '/', 0};          // version and flags, file name, object path
        int padding = size - 5 - child.length() - 2 - info.length;
        ByteBuffer b = ByteBuffer.wrap(out, body, size).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 1).put((byte) 0x18).put((byte) 64).put((byte) 1).put((byte) child.length())
                .put(child.getBytes(StandardCharsets.US_ASCII)).putShort((short) (info.length + padding)).put(info)
                .put(new byte[padding]);
        h.reseal();
        return out;
    }

    private static Header header(byte[] file, String path) {
        long address;
        try (HdfFile hdf = HdfFile.fromBytes(file)) {
            Node node = hdf.getByPath(path);
            address = ((AbstractNode) node).getAddress();
        }
        return new Header(file, (int) address);
    }

    /** A version 2 object header ("OHDR") of one chunk, its messages and its checksum. */
    private static final class Header {
        final byte[] file;
        final int start;
        final int messagesStart;
        final int messagesEnd;
        final int messagePrefix;

        Header(byte[] file, int start) {
            this.file = file;
            this.start = start;
            if (!new String(file, start, 4, StandardCharsets.US_ASCII).equals("OHDR") || file[start + 4] != 2) {
                throw new IllegalStateException("not a version 2 object header at " + start);
            }
            int flags = file[start + 5] & 0xff;
            int at = start + 6 + ((flags & 0x20) != 0 ? 16 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
            int sizeBytes = 1 << (flags & 3);
            long chunk = 0;
            for (int i = 0; i < sizeBytes; i++) {
                chunk |= (long) (file[at + i] & 0xff) << (8 * i);
            }
            messagesStart = at + sizeBytes;
            messagesEnd = messagesStart + (int) chunk;
            messagePrefix = 4 + ((flags & 0x04) != 0 ? 2 : 0);
        }

        /** The body of the first message of {@code type}. */
        int message(int type) {
            for (int at = messagesStart; at + messagePrefix <= messagesEnd; at += messagePrefix + size(at)) {
                if ((file[at] & 0xff) == type) {
                    return at + messagePrefix;
                }
            }
            throw new IllegalStateException("no message of type " + type);
        }

        /** The body of the hard-link message naming {@code child} (version 1, no link type, 1-byte name length). */
        int link(String child) {
            byte[] name = child.getBytes(StandardCharsets.US_ASCII);
            for (int at = messagesStart; at + messagePrefix <= messagesEnd; at += messagePrefix + size(at)) {
                int body = at + messagePrefix;
                if ((file[at] & 0xff) == LINK && file[body + 1] == 0x10 && file[body + 3] == name.length
                        && Arrays.equals(Arrays.copyOfRange(file, body + 4, body + 4 + name.length), name)) {
                    return body;
                }
            }
            throw new IllegalStateException("no hard link named " + child);
        }

        int messageSize(int body) {
            return size(body - messagePrefix);
        }

        private int size(int message) {
            return (file[message + 1] & 0xff) | (file[message + 2] & 0xff) << 8;
        }

        /** Recomputes the checksum that follows the messages. */
        void reseal() {
            int sum = ChecksumUtils.checksum(Arrays.copyOfRange(file, start, messagesEnd));
            ByteBuffer.wrap(file, messagesEnd, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(sum);
        }
    }
}
