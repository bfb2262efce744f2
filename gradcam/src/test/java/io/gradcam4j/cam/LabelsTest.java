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
}
