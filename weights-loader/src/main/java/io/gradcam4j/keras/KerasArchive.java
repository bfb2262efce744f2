package io.gradcam4j.keras;

import io.gradcam4j.engine.errors.ResourceLimitException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The zip archive of a Keras v3 {@code .keras} file, read from memory: its central directory
 * lists the members, and a member is read only when asked for, after its declared sizes have been
 * checked. Keras writes the members stored (uncompressed); an archive re-zipped by a tool may
 * deflate them.
 *
 * <p>The rules, after Keras's own ({@code saving_lib._reject_zip_bomb}: members are read into
 * memory, so an archive must not be able to ask for more memory than it plausibly holds):
 * <ul>
 *   <li>A member's declared size is checked before anything is inflated: at most the caller's
 *       limit for that member, at most what is left of the archive's budget of inflated bytes
 *       (half the JVM's heap), and, above 64 MiB, at most 100 times its compressed size (a
 *       decompression bomb otherwise; Keras uses the same ratio). Deflate cannot expand more than
 *       1032 times, so a smaller member declaring more lies about its size.</li>
 *   <li>Inflating stops at the declared size: a stream that would give more, or less, is
 *       damaged. A stored member is a view of the archive (no copy); its declared size must be
 *       its stored size.</li>
 *   <li>Every member read has its CRC-32 checked, as Python's zipfile does when Keras reads it.</li>
 *   <li>Split archives, encryption, compression other than stored and deflate, and zip64 (members
 *       over 4 GiB, which could not be held in memory here anyway) are refused as unsupported.</li>
 * </ul>
 * Errors name the file and the member (or the zip record) they are about.
 */
final class KerasArchive {
    static final int STORED = 0;
    static final int DEFLATED = 8;

    private static final int END_SIGNATURE = 0x06054b50;
    private static final int CENTRAL_SIGNATURE = 0x02014b50;
    private static final int LOCAL_SIGNATURE = 0x04034b50;
    private static final int END_SIZE = 22;
    private static final int CENTRAL_SIZE = 46;
    private static final int LOCAL_SIZE = 30;
    private static final int MAX_COMMENT = 0xffff;
    private static final long ZIP64_MARK = 0xffffffffL;

    /** Above this declared size, a member may expand at most {@link #MAX_EXPANSION} times (Keras's bomb rule). */
    private static final long BOMB_FLOOR = 64L << 20;
    private static final long MAX_EXPANSION = 100;
    /** The most deflate can expand its input (258-byte matches coded in two bits, plus block overhead). */
    private static final long DEFLATE_MAX_RATIO = 1032;

    /** One member, as the central directory declares it. */
    record Member(String name, int method, long crc, long compressedSize, long size, long localHeader) {
    }

    private final ByteBuffer bytes;
    private final String file;
    private final long centralDirectory;
    private final Map<String, Member> members;
    /** Bytes that inflating may still allocate; members are read into memory. */
    private long inflateBudget = Math.min(Runtime.getRuntime().maxMemory() / 2, 16L << 30);

    private KerasArchive(ByteBuffer bytes, String file, long centralDirectory, Map<String, Member> members) {
        this.bytes = bytes;
        this.file = file;
        this.centralDirectory = centralDirectory;
        this.members = members;
    }

    /**
     * Reads the archive's central directory.
     *
     * @param bytes the whole file (position 0 is its first byte)
     * @param file  the file's name, used in messages
     */
    static KerasArchive read(ByteBuffer bytes, String file) {
        ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int end = endRecord(b, file);
        if (u16(b, end + 4) != 0 || u16(b, end + 6) != 0 || u16(b, end + 8) != u16(b, end + 10)) {
            throw new UnsupportedKerasFeatureException(file + ": a split (multi-part) zip archive; a .keras file is "
                    + "one archive");
        }
        int count = u16(b, end + 10);
        long size = u32(b, end + 12);
        long offset = u32(b, end + 16);
        if (count == 0xffff || size == ZIP64_MARK || offset == ZIP64_MARK) {
            throw new UnsupportedKerasFeatureException(file + ": a zip64 archive (over 4 GiB or 65535 members); "
                    + ".keras files over 2 GiB are not supported");
        }
        if (offset + size != end) {
            throw new CorruptModelFileException(file, "zip central directory", "is declared at byte " + offset
                    + " with " + size + " bytes, but the end record that follows it is at byte " + end
                    + ": the archive is truncated or damaged");
        }
        return new KerasArchive(bytes, file, offset, centralDirectory(b, file, (int) offset, end, count));
    }

    /** The member names, in the central directory's order. */
    List<String> names() {
        return new ArrayList<>(members.keySet());
    }

    boolean has(String name) {
        return members.containsKey(name);
    }

    /** The member's entry in the central directory, or null. */
    Member member(String name) {
        return members.get(name);
    }

    /**
     * The member's bytes: a view of the archive when it is stored, a new buffer when it is
     * deflated. Its sizes are checked before anything is inflated, its CRC-32 after.
     *
     * @param maxSize the most bytes this member may hold (a config file needs far less than weights)
     * @throws ResourceLimitException when the member declares more than {@code maxSize}, more than
     *     the archive's inflate budget, or is a decompression bomb
     */
    ByteBuffer read(String name, long maxSize) {
        Member m = members.get(name);
        if (m == null) {
            throw new CorruptModelFileException(file, "zip member " + name, "is missing (the archive holds "
                    + members.keySet() + ")");
        }
        String object = "zip member " + name;
        ByteBuffer stored = storedBytes(m, object);
        ByteBuffer content = m.method == STORED ? storedContent(m, stored, maxSize, object)
                : inflate(m, stored, maxSize, object);
        CRC32 crc = new CRC32();
        crc.update(content.duplicate());
        if (crc.getValue() != m.crc) {
            throw new CorruptModelFileException(file, object, String.format("fails its CRC-32 check (computed "
                    + "%08x, declared %08x): its bytes are damaged", crc.getValue(), m.crc));
        }
        return content;
    }

    /** The end-of-central-directory record: the last one whose comment fits in the file. */
    private static int endRecord(ByteBuffer b, String file) {
        int size = b.capacity();
        for (int at = size - END_SIZE; at >= 0 && at >= size - END_SIZE - MAX_COMMENT; at--) {
            if (b.getInt(at) == END_SIGNATURE && at + END_SIZE + u16(b, at + 20) <= size) {
                return at;
            }
        }
        throw new CorruptModelFileException(file, "zip end record", "is missing: the archive is truncated or "
                + "is not a zip archive (" + size + " bytes)");
    }

    private static Map<String, Member> centralDirectory(ByteBuffer b, String file, int start, int end, int count) {
        Map<String, Member> members = new LinkedHashMap<>();
        int at = start;
        for (int i = 0; i < count; i++) {
            String object = "zip central directory entry " + i + " (at byte " + at + ")";
            if (at + CENTRAL_SIZE > end || b.getInt(at) != CENTRAL_SIGNATURE) {
                throw new CorruptModelFileException(file, object, at + CENTRAL_SIZE > end
                        ? "runs past the end of the central directory (it declares " + count + " members)"
                        : "has no central directory signature: the directory is damaged");
            }
            int flags = u16(b, at + 8);
            int method = u16(b, at + 10);
            long crc = u32(b, at + 16);
            long compressed = u32(b, at + 20);
            long size = u32(b, at + 24);
            int nameLength = u16(b, at + 28);
            int extraLength = u16(b, at + 30);
            int commentLength = u16(b, at + 32);
            long local = u32(b, at + 42);
            int next = at + CENTRAL_SIZE + nameLength + extraLength + commentLength;
            if (next > end) {
                throw new CorruptModelFileException(file, object, "runs past the end of the central directory");
            }
            String name = name(b, at + CENTRAL_SIZE, nameLength, flags, file, object);
            object = "zip member " + name;
            if ((flags & 0x41) != 0) {
                throw new UnsupportedKerasFeatureException(file + ": " + object + " is encrypted; Keras never "
                        + "encrypts archive members");
            }
            if (method != STORED && method != DEFLATED) {
                throw new UnsupportedKerasFeatureException(file + ": " + object + " uses compression method "
                        + method + "; only stored (0) and deflated (8) members are read");
            }
            if (compressed == ZIP64_MARK || size == ZIP64_MARK || local == ZIP64_MARK) {
                throw new UnsupportedKerasFeatureException(file + ": " + object + " is a zip64 member (over 4 GiB); "
                        + ".keras files over 2 GiB are not supported");
            }
            if (local + LOCAL_SIZE > start) {
                throw new CorruptModelFileException(file, object, "declares its local header at byte " + local
                        + ", past the start of the central directory (byte " + start + ")");
            }
            if (members.put(name, new Member(name, method, crc, compressed, size, local)) != null) {
                throw new CorruptModelFileException(file, object, "appears twice in the central directory");
            }
            at = next;
        }
        if (at != end) {
            throw new CorruptModelFileException(file, "zip central directory", "holds " + (end - at)
                    + " bytes after its " + count + " declared entries: the directory is damaged");
        }
        return members;
    }

    /** A member name: UTF-8 when the entry says so (flag bit 11), else a single-byte code page. */
    private static String name(ByteBuffer b, int at, int length, int flags, String file, String object) {
        ByteBuffer raw = b.duplicate().position(at).limit(at + length);
        if ((flags & 0x800) == 0) {
            return StandardCharsets.ISO_8859_1.decode(raw).toString();
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(raw).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptModelFileException(file, object, "has a name that is not valid UTF-8 although its "
                    + "entry says it is", e);
        }
    }

    /** The member's stored bytes, after its local header has been checked against the central directory. */
    private ByteBuffer storedBytes(Member m, String object) {
        ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int at = (int) m.localHeader;
        if (b.getInt(at) != LOCAL_SIGNATURE) {
            throw new CorruptModelFileException(file, object, "has no local header signature at byte " + at
                    + ": the archive is damaged");
        }
        int method = u16(b, at + 8);
        int nameLength = u16(b, at + 26);
        int extraLength = u16(b, at + 28);
        long data = (long) at + LOCAL_SIZE + nameLength + extraLength;
        if (method != m.method) {
            throw new CorruptModelFileException(file, object, "is declared with compression method " + m.method
                    + " in the central directory but " + method + " in its local header");
        }
        if (data + m.compressedSize > centralDirectory) {
            throw new CorruptModelFileException(file, object, "declares " + m.compressedSize + " stored bytes from byte "
                    + data + ", past the start of the central directory (byte " + centralDirectory
                    + "): the archive is truncated or its sizes are damaged");
        }
        String localName = name(b, at + LOCAL_SIZE, nameLength, u16(b, at + 6), file, object);
        if (!localName.equals(m.name)) {
            throw new CorruptModelFileException(file, object, "has a local header named '" + localName
                    + "': the archive is damaged");
        }
        return bytes.duplicate().position((int) data).limit((int) (data + m.compressedSize)).slice();
    }

    private ByteBuffer storedContent(Member m, ByteBuffer stored, long maxSize, String object) {
        if (m.size != m.compressedSize) {
            throw new CorruptModelFileException(file, object, "is stored uncompressed but declares " + m.size
                    + " bytes in " + m.compressedSize + ": its sizes are damaged");
        }
        checkLimit(m, maxSize, object);
        return stored;
    }

    private void checkLimit(Member m, long maxSize, String object) {
        if (m.size > maxSize) {
            throw new ResourceLimitException(file + ": " + object + " declares " + m.size + " bytes, more than the "
                    + maxSize + " allowed for it");
        }
    }

    /** Inflates into exactly the declared size, after checking that size; more or less output is damage. */
    private ByteBuffer inflate(Member m, ByteBuffer stored, long maxSize, String object) {
        if (m.size > BOMB_FLOOR && m.size > MAX_EXPANSION * m.compressedSize) {
            throw new ResourceLimitException(file + ": " + object + " declares " + m.size + " bytes from only "
                    + m.compressedSize + " compressed: refused as a potential decompression bomb (more than "
                    + MAX_EXPANSION + " times, as Keras refuses)");
        }
        if (m.size > DEFLATE_MAX_RATIO * m.compressedSize + 64) {
            throw new CorruptModelFileException(file, object, "declares " + m.size + " bytes from " + m.compressedSize
                    + " compressed, more than deflate can produce: its sizes are damaged");
        }
        checkLimit(m, maxSize, object);
        if (m.size > Integer.MAX_VALUE - 8 || m.size > inflateBudget) {
            throw new ResourceLimitException(file + ": " + object + " would inflate to " + m.size + " bytes, more than "
                    + "the " + Math.min(inflateBudget, Integer.MAX_VALUE - 8L) + " bytes this JVM can still hold for "
                    + "the archive (run with a larger -Xmx)");
        }
        inflateBudget -= m.size;
        byte[] out = new byte[(int) m.size];
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(stored);
            int done = 0;
            while (done < out.length) {
                int n = inflater.inflate(out, done, out.length - done);
                done += n;
                if (n == 0 && done < out.length && (inflater.finished() || inflater.needsInput()
                        || inflater.needsDictionary())) {
                    throw new CorruptModelFileException(file, object, "inflates to only " + done + " of its declared "
                            + m.size + " bytes" + (inflater.finished() ? "" : ": its compressed data is truncated"));
                }
            }
            if (!inflater.finished() && inflater.inflate(new byte[1]) > 0) {
                throw new CorruptModelFileException(file, object, "inflates to more than its declared " + m.size
                        + " bytes: its size is damaged");
            }
        } catch (DataFormatException e) {
            throw new CorruptModelFileException(file, object, "is not valid deflate data (" + e.getMessage() + ")", e);
        } finally {
            inflater.end();
        }
        return ByteBuffer.wrap(out);
    }

    private static int u16(ByteBuffer b, int at) {
        return b.getShort(at) & 0xffff;
    }

    private static long u32(ByteBuffer b, int at) {
        return b.getInt(at) & 0xffffffffL;
    }
}
