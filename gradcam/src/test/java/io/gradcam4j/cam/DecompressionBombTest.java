package io.gradcam4j.cam;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headers that declare huge images are refused before any pixel is decoded (Pillow's
 * decompression-bomb rule, 89,478,485 pixels by default): tiny files, no memory spent.
 */
class DecompressionBombTest {
    private static final ImageLoader.Options OPTIONS = new ImageLoader.Options(8, 8, 3, ImageLoader.Interpolation.NEAREST, false);

    @TempDir
    Path tmp;

    @Test
    void aPngThatDeclaresTwentyThousandSquaredIsRefused() throws IOException {
        Path f = tmp.resolve("bomb.png");
        Files.write(f, png(20000, 20000));
        ImageTooLargeException e = assertThrows(ImageTooLargeException.class, () -> ImageLoader.load(f, OPTIONS));
        assertTrue(e.kind() == io.gradcam4j.engine.errors.Gradcam4jException.Kind.RESOURCE_LIMIT);
        assertTrue(e.getMessage().contains("20000x20000") && e.getMessage().contains("89478485"), e.getMessage());
    }

    @Test
    void aJpegThatDeclaresFiftyThousandSquaredIsRefused() throws IOException {
        Path f = tmp.resolve("bomb.jpg");
        Files.write(f, jpegHeader(50000, 50000));
        ImageTooLargeException e = assertThrows(ImageTooLargeException.class, () -> ImageLoader.load(f, OPTIONS));
        assertTrue(e.getMessage().contains("50000x50000"), e.getMessage());
    }

    @Test
    void theLimitIsTheCallersAndAtTheLimitTheImageIsRead() throws IOException {
        Path f = tmp.resolve("small.png");
        Files.write(f, png(3, 2));
        ImageLoader.Options six = new ImageLoader.Options(8, 8, 3, ImageLoader.Interpolation.NEAREST, false, 6);
        ImageLoader.Options five = new ImageLoader.Options(8, 8, 3, ImageLoader.Interpolation.NEAREST, false, 5);
        assertThrows(ImageTooLargeException.class, () -> ImageLoader.load(f, five));
        // six pixels pass the limit; this header-only file then fails as damaged, not as too large
        ImageFormatException damaged = assertThrows(ImageFormatException.class, () -> ImageLoader.load(f, six));
        assertTrue(damaged.kind() == io.gradcam4j.engine.errors.Gradcam4jException.Kind.DAMAGED_INPUT, damaged.toString());
    }

    /** PNG signature, IHDR for w x h 8-bit RGB, an empty IDAT and IEND. */
    static byte[] png(int w, int h) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** SOI, a quantisation table, a baseline SOF0 for w x h with 3 components, a scan header, EOI. */
    static byte[] jpegHeader(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(200);
        b.put((byte) 0xFF).put((byte) 0xD8);
        b.put((byte) 0xFF).put((byte) 0xDB).putShort((short) 67).put((byte) 0);
        for (int i = 0; i < 64; i++) {
            b.put((byte) 1);
        }
        b.put((byte) 0xFF).put((byte) 0xC0).putShort((short) 17).put((byte) 8).putShort((short) h).putShort((short) w)
                .put((byte) 3);
        for (int c = 1; c <= 3; c++) {
            b.put((byte) c).put((byte) 0x11).put((byte) 0);
        }
        b.put((byte) 0xFF).put((byte) 0xDA).putShort((short) 12).put((byte) 3);
        for (int c = 1; c <= 3; c++) {
            b.put((byte) c).put((byte) 0);
        }
        b.put((byte) 0).put((byte) 63).put((byte) 0);
        b.put((byte) 0xFF).put((byte) 0xD9);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }
}
