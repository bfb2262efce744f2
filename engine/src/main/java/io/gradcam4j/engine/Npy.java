package io.gradcam4j.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format 1.0-3.0, C order). Reading accepts
 * float32, float64 and int/uint 8-64 bit little- or big-endian data and converts to float32;
 * writing produces little-endian float32, what {@code np.load} and the reference tools expect.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([fiub])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    public static Tensor read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    public static Tensor read(InputStream in, String name) throws IOException {
        byte[] magic = in.readNBytes(8);
        for (int i = 0; i < MAGIC.length; i++) {
            if (magic.length < 8 || magic[i] != MAGIC[i]) {
                throw new IOException(name + " is not a .npy file (bad magic)");
            }
        }
        int major = magic[6];
        byte[] lenBytes = in.readNBytes(major == 1 ? 2 : 4);
        ByteBuffer lb = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = major == 1 ? Short.toUnsignedInt(lb.getShort()) : lb.getInt();
        if (headerLen < 0 || headerLen > 1 << 20) {
            throw new IOException(name + ": implausible header length " + headerLen);
        }
        String header = new String(in.readNBytes(headerLen), StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IOException(name + ": cannot parse header " + header.trim());
        }
        if (f.group(1).equals("True")) {
            throw new IOException(name + ": Fortran-ordered arrays are not supported");
        }
        int[] shape = parseShape(s.group(1), name);
        ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        char kind = d.group(2).charAt(0);
        int bytes = Integer.parseInt(d.group(3));
        long count = 1;
        for (int dim : shape) {
            if (dim < 1) {
                throw new IOException(name + ": shape " + java.util.Arrays.toString(shape) + " has an empty dimension");
            }
            // a shape whose product overflows must not wrap around to a small (or zero) size
            count = Math.multiplyHigh(count, dim) != 0 || count * dim > Integer.MAX_VALUE ? Long.MAX_VALUE : count * dim;
        }
        if (count == Long.MAX_VALUE || count * bytes > Integer.MAX_VALUE - 8) {
            throw new IOException(name + ": array too large (shape " + java.util.Arrays.toString(shape)
                    + "): more than one Java array holds");
        }
        byte[] raw = in.readNBytes((int) (count * bytes));
        if (raw.length != count * bytes) {
            throw new IOException(name + ": truncated, expected " + count * bytes + " data bytes, got " + raw.length);
        }
        ByteBuffer buf = ByteBuffer.wrap(raw).order(order);
        float[] data = new float[(int) count];
        for (int i = 0; i < data.length; i++) {
            data[i] = readValue(buf, kind, bytes, name);
        }
        return Tensor.of(data, shape);
    }

    private static float readValue(ByteBuffer buf, char kind, int bytes, String name) throws IOException {
        switch (kind + Integer.toString(bytes)) {
            case "f4": return buf.getFloat();
            case "f8": return (float) buf.getDouble();
            case "i1": return buf.get();
            case "u1": return Byte.toUnsignedInt(buf.get());
            case "i2": return buf.getShort();
            case "u2": return Short.toUnsignedInt(buf.getShort());
            case "i4": return buf.getInt();
            case "u4": return Integer.toUnsignedLong(buf.getInt());
            case "i8": return buf.getLong();
            case "b1": return buf.get() != 0 ? 1f : 0f;
            default: throw new IOException(name + ": unsupported dtype " + kind + bytes);
        }
    }

    private static int[] parseShape(String text, String name) throws IOException {
        List<Integer> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                try {
                    dims.add(Integer.parseInt(p.replace("L", "")));
                } catch (NumberFormatException e) {
                    throw new IOException(name + ": bad shape (" + text + ")");
                }
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Writes {@code t} as a little-endian float32 .npy file. */
    public static void write(Tensor t, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(t, out);
        }
    }

    public static void write(Tensor t, OutputStream out) throws IOException {
        String dims = java.util.Arrays.stream(t.shape()).mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining(", "));
        String shape = "(" + dims + (t.rank() == 1 ? ",)" : ")");   // Python's tuple spelling
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.write(head.array());
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer body = ByteBuffer.allocate(t.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        body.asFloatBuffer().put(t.data());
        out.write(body.array());
    }
}
