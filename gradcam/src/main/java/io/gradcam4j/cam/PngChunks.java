package io.gradcam4j.cam;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * The chunk structure of a PNG file checked as Pillow checks it: every chunk's CRC-32 must match
 * (ImageIO ignores them, so a corrupted file would be decoded into wrong pixels without a word),
 * and the file must end with IEND.
 */
final class PngChunks {

    private PngChunks() {
    }

    static void requireIntact(String file, byte[] png) throws ImageFormatException {
        ByteBuffer b = ByteBuffer.wrap(png);
        int at = 8;   // after the signature
        while (true) {
            if (at + 8 > png.length) {
                throw new ImageFormatException(file + " is truncated: the PNG ends after " + png.length
                        + " bytes without its IEND chunk");
            }
            long length = Integer.toUnsignedLong(b.getInt(at));
            String type = new String(png, at + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (at + 12 + length > png.length) {
                throw new ImageFormatException(file + " is truncated: chunk " + type + " at byte " + at + " declares "
                        + length + " bytes, the file has " + (png.length - at - 12) + " left");
            }
            CRC32 crc = new CRC32();
            crc.update(png, at + 4, 4 + (int) length);
            long stored = Integer.toUnsignedLong(b.getInt(at + 8 + (int) length));
            if (crc.getValue() != stored) {
                throw new ImageFormatException(file + " is damaged: chunk " + type + " at byte " + at
                        + " fails its CRC check");
            }
            if (type.equals("IEND")) {
                return;
            }
            at += 12 + (int) length;
        }
    }
}
