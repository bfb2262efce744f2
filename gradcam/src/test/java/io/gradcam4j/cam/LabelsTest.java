package io.gradcam4j.cam;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelsTest {

    /** Entries of Keras's imagenet_class_index.json, as decode_predictions prints them. */
    @Test
    void bundledImagenetIndexHasKerasMapping() {
        Labels l = Labels.imagenet();
        assertEquals(1000, l.size());
        assertEquals("tench", l.name(0));
        assertEquals("great_white_shark", l.name(2));
        assertEquals("tabby", l.name(281));
        assertEquals("African_elephant", l.name(386));
        assertEquals("toilet_tissue", l.name(999));
        assertEquals(386, l.indexOf("african_elephant"));
    }

    @Test
    void plainTextLabelsOnePerLine(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("labels.txt");
        Files.writeString(f, "Cat\nDog\n\n");
        Labels l = Labels.read(f);
        assertEquals(2, l.size());
        assertEquals("Dog", l.name(1));
        assertEquals("7", l.name(7), "classes without a label show their number");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.indexOf("bird"));
        assertTrue(e.getMessage().contains("Cat, Dog"), e.getMessage());
    }

    @Test
    void aBrokenKerasIndexIsRefused(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("index.json");
        Files.writeString(f, "{\"0\": [\"a\", \"x\"], \"2\": [\"b\", \"y\"]}");
        assertThrows(IOException.class, () -> Labels.read(f));
    }

    @org.junit.jupiter.api.Test
    void aHugeClassIndexIsRefusedWithoutGrowingAList(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws java.io.IOException {
        java.nio.file.Path f = tmp.resolve("index.json");
        java.nio.file.Files.writeString(f, "{\"2000000000\": [\"n\", \"x\"]}");
        long t0 = System.nanoTime();
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> Labels.read(f));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("0..n-1"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertTrue((System.nanoTime() - t0) / 1e9 < 1);
        java.nio.file.Files.writeString(f, "{\"99999999999999999999\": [\"n\", \"x\"]}");
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> Labels.read(f));
    }
}
