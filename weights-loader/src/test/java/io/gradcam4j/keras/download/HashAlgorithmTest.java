package io.gradcam4j.keras.download;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HashAlgorithmTest {
    @TempDir
    Path dir;

    @Test
    void hashesMatchTheStandardTestVectors() throws Exception {
        Path abc = Files.write(dir.resolve("abc"), "abc".getBytes(StandardCharsets.US_ASCII));
        assertEquals("900150983cd24fb0d6963f7d28e17f72", HashAlgorithm.MD5.hashFile(abc));          // RFC 1321
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                HashAlgorithm.SHA256.hashFile(abc));                                               // FIPS 180-2
    }

    @Test
    void algorithmIsChosenByHashLengthAsKerasDoes() {
        assertEquals(HashAlgorithm.MD5, HashAlgorithm.forHash("64373286793e3c8b2b4e3219cbf3544b"));
        assertEquals(HashAlgorithm.SHA256, HashAlgorithm.forHash("a".repeat(64)));
    }

    @Test
    void hashesOfNeitherLengthOrNotHexAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> HashAlgorithm.forHash("a".repeat(40)));   // sha1
        assertThrows(IllegalArgumentException.class, () -> HashAlgorithm.forHash("g".repeat(32)));
    }
}
