package io.gradcam4j.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The .npy format (numpy.org "NEP 1 / format.html"): magic {@code \x93NUMPY}, major and minor
 * version bytes, a little-endian header length (2 bytes in version 1, 4 in version 2), a Python
 * dict literal padded with spaces and ended by '\n' so that the data starts on a multiple of 64,
 * then the raw values. The files below are assembled byte by byte.
 */
class NpyTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsShapeAndValues() throws IOException {
        Tensor[] tensors = {
            Tensor.scalar(-2.5f),
            Tensor.of(new float[] {1f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, 3.25f}, 5),
            GradientCheck.random(new java.util.Random(3), -10f, 10f, 2, 3, 4),
        };
        for (Tensor t : tensors) {
            Path f = dir.resolve("t" + t.rank() + ".npy");
            Npy.write(t, f);
            Tensor back = Npy.read(f);
            assertArrayEquals(t.shape(), back.shape(), "shape of " + t);
            assertArrayEquals(t.data(), back.data(), "values of " + t);
        }
    }

    @Test
    void writtenHeaderFollowsTheSpec() throws IOException {
        for (int[] shape : new int[][] {{}, {5}, {2, 3, 4}, {1, 224, 224, 3}}) {
            Tensor t = Tensor.zeros(shape);
            for (int i = 0; i < t.size(); i++) {
                t.data()[i] = i * 0.5f - 3f;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Npy.write(t, out);
            byte[] b = out.toByteArray();
            assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, Arrays.copyOf(b, 8));
            int headerLen = (b[8] & 0xff) | (b[9] & 0xff) << 8;
            assertEquals(0, (10 + headerLen) % 64, "data must start on a 64-byte boundary");
            String header = new String(b, 10, headerLen, StandardCharsets.ISO_8859_1);
            assertTrue(header.endsWith("\n"), header);
            assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': " + pythonTuple(shape)),
                    header);
            // the body is little-endian float32, read here without Npy
            assertEquals(10 + headerLen + 4 * t.size(), b.length);
            ByteBuffer body = ByteBuffer.wrap(b, 10 + headerLen, 4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < t.size(); i++) {
                assertEquals(t.data()[i], body.getFloat(), "value " + i);
            }
        }
    }

    @Test
    void readsBigEndianFloat64() throws IOException {
        double[] values = {1.5, -2.0, 1e-3, 123456.75, 0.1, -0.0};
        ByteBuffer data = ByteBuffer.allocate(8 * values.length).order(ByteOrder.BIG_ENDIAN);
        for (double v : values) {
            data.putDouble(v);
        }
        Path f = dir.resolve("be.npy");
        Files.write(f, npyFile(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (2, 3), }", data.array()));
        Tensor t = Npy.read(f);
        assertArrayEquals(new int[] {2, 3}, t.shape());
        for (int i = 0; i < values.length; i++) {
            assertEquals((float) values[i], t.data()[i], "value " + i);
        }
    }

    @Test
    void readsLittleEndianInt32() throws IOException {
        int[] values = {0, 1, -1, 255, 256, -70000, 16777216};
        byte[] data = new byte[4 * values.length];
        for (int i = 0; i < values.length; i++) {
            for (int k = 0; k < 4; k++) {
                data[4 * i + k] = (byte) (values[i] >>> (8 * k));   // least significant byte first
            }
        }
        Path f = dir.resolve("i4.npy");
        Files.write(f, npyFile(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (7,), }", data));
        Tensor t = Npy.read(f);
        assertArrayEquals(new int[] {7}, t.shape());
        for (int i = 0; i < values.length; i++) {
            assertEquals((float) values[i], t.data()[i], "value " + i);
        }
    }

    @Test
    void readsVersion2HeaderWithFourByteLength() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(7f).putFloat(-8f);
        Path f = dir.resolve("v2.npy");
        Files.write(f, npyFile(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }", data.array()));
        Tensor t = Npy.read(f);
        assertArrayEquals(new int[] {1, 2}, t.shape());
        assertArrayEquals(new float[] {7f, -8f}, t.data());
    }

    @Test
    void truncatedDataNamesTheFile() throws IOException {
        Path good = dir.resolve("good.npy");
        Npy.write(GradientCheck.random(new java.util.Random(1), 0f, 1f, 3, 4), good);
        byte[] all = Files.readAllBytes(good);
        Path cut = dir.resolve("cut_short.npy");
        Files.write(cut, Arrays.copyOf(all, all.length - 3));
        IOException e = assertThrows(IOException.class, () -> Npy.read(cut));
        assertTrue(e.getMessage().contains("cut_short.npy"), e.getMessage());
    }

    @Test
    void badMagicNamesTheFile() throws IOException {
        Path f = dir.resolve("not_numpy.npy");
        Files.write(f, "PK\u0003\u0004 this is a zip, not an array".getBytes(StandardCharsets.ISO_8859_1));
        IOException e = assertThrows(IOException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("not_numpy.npy"), e.getMessage());
        Path empty = dir.resolve("empty.npy");
        Files.write(empty, new byte[0]);
        e = assertThrows(IOException.class, () -> Npy.read(empty));
        assertTrue(e.getMessage().contains("empty.npy"), e.getMessage());
    }

    @Test
    void fortranOrderIsRefused() throws IOException {
        Path f = dir.resolve("fortran.npy");
        Files.write(f, npyFile(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[16]));
        IOException e = assertThrows(IOException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("fortran.npy"), e.getMessage());
    }

    /** A .npy file: magic, version, header length, the dict padded to a 64-byte boundary with '\n', data. */
    private static byte[] npyFile(int major, String dict, byte[] data) {
        int lengthBytes = major == 1 ? 2 : 4;
        int prefix = 6 + 2 + lengthBytes;
        int padded = dict.length() + 1;
        padded += (64 - (prefix + padded) % 64) % 64;
        String header = dict + " ".repeat(padded - dict.length() - 1) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        for (int k = 0; k < lengthBytes; k++) {
            out.write((header.length() >>> (8 * k)) & 0xff);
        }
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static String pythonTuple(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return s.append(")").toString();
    }

    /** A header alone, version 1.0, padded to 64 bytes, with the given shape text. */
    private static byte[] headerOnly(String shape) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        int unpadded = 6 + 2 + 2 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + header.length()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'}).put((byte) 1).put((byte) 0).putShort((short) header.length());
        b.put(header.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        return b.array();
    }

    @org.junit.jupiter.api.Test
    void shapesThatOverflowOrAreEmptyAreRefusedNotReadAsNothing() {
        for (String shape : new String[] {"(2147483647, 2147483647, 2147483647, 2147483647)", "(65536, 65536, 65536)",
                "(4294967296, 2)"}) {
            java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> Npy.read(new java.io.ByteArrayInputStream(headerOnly(shape)), "x.npy"));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("too large")
                    || e.getMessage().contains("bad shape"), e.getMessage());
        }
        java.io.IOException empty = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> Npy.read(new java.io.ByteArrayInputStream(headerOnly("(0, 3)")), "x.npy"));
        org.junit.jupiter.api.Assertions.assertTrue(empty.getMessage().contains("empty dimension"), empty.getMessage());
    }
}
