package io.gradcam4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Digests checked against the SHA-256 test vectors of FIPS 180-2 (appendix B). */
class FileDigestTest {

    @Test
    void shortMessage(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("abc"), "abc", StandardCharsets.US_ASCII);
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                FileDigest.of(f).hex());
    }

    /** A million bytes: the file is read in many buffers, and the digest must not depend on that. */
    @Test
    void millionLetters(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("a"), "a".repeat(1_000_000), StandardCharsets.US_ASCII);
        assertEquals("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
                FileDigest.of(f).beginInBackground().hex());
    }

    @Test
    void unreadableFileIsReportedWhenTheDigestIsAskedFor(@TempDir Path dir) {
        Path missing = dir.resolve("gone.h5");
        for (FileDigest digest : new FileDigest[] {FileDigest.of(missing), FileDigest.of(missing).beginInBackground()}) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, digest::hex);
            assertTrue(e.getMessage().contains("gone.h5"), e.getMessage());
        }
    }
}
