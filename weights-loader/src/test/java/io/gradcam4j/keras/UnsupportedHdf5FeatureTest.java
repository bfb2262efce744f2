package io.gradcam4j.keras;

import io.gradcam4j.engine.errors.DamagedInputException;
import io.gradcam4j.engine.errors.Gradcam4jException;
import io.gradcam4j.engine.errors.UnsupportedFeatureException;
import io.gradcam4j.keras.applications.Applications;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full-model {@code .h5} that uses an HDF5 feature jHDF does not read is refused as unsupported,
 * not as a damaged file: jHDF says so with its {@code UnsupportedHdfException}. The features are
 * written into a file saved by {@link KerasH5Writer} by {@link Hdf5Surgery} (one message rewritten,
 * its header's checksum recomputed, so the file stays valid HDF5): a virtual dataset, external
 * storage and VAX-ordered floats. The same file with a header damaged (its checksum left stale) is
 * a damaged file.
 */
class UnsupportedHdf5FeatureTest {
    private static final String KERNEL = "/model_weights/conv1/conv1/kernel:0";
    private static byte[] saved;

    @BeforeAll
    static void save(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("mobilenet.h5");
        KerasH5Writer.save(Applications.seeded(Applications.byName("mobilenet_0.25_128")), file);
        saved = Files.readAllBytes(file);
        KerasH5File.loadModel(saved, "mobilenet.h5");      // the untouched file loads
    }

    @Test
    void aVirtualDatasetIsUnsupported() {
        assertUnsupported(Hdf5Surgery.virtualDataset(saved, KERNEL), "Virtual storage is not supported");
    }

    @Test
    void externalStorageIsUnsupported() {
        assertUnsupported(Hdf5Surgery.externalStorage(saved, KERNEL), "External Data Files");
    }

    @Test
    void vaxOrderedFloatsAreUnsupported() {
        assertUnsupported(Hdf5Surgery.vaxFloats(saved, KERNEL), "VAX");
    }

    @Test
    void aDamagedHeaderIsDamageNotUnsupported() {
        byte[] damaged = Hdf5Surgery.vaxFloats(saved, KERNEL);
        // put the rewritten byte back but keep the recomputed checksum (it follows the messages)
        int rewritten = Arrays.mismatch(saved, damaged);
        damaged[rewritten] = saved[rewritten];
        assertFalse(Arrays.equals(saved, damaged), "the checksum was not recomputed");
        Gradcam4jException e = assertThrows(Gradcam4jException.class,
                () -> KerasH5File.loadModel(damaged, "damaged.h5"));
        assertTrue(e instanceof CorruptModelFileException, e.toString());
        assertEquals(Gradcam4jException.Kind.DAMAGED_INPUT, e.kind());
        assertTrue(e.getMessage().contains("damaged.h5") && e.getMessage().contains("damaged"), e.getMessage());
    }

    private static void assertUnsupported(byte[] file, String jhdfSays) {
        Gradcam4jException e = assertThrows(Gradcam4jException.class, () -> KerasH5File.loadModel(file, "feature.h5"));
        assertTrue(e instanceof UnsupportedFeatureException && e instanceof UnsupportedKerasFeatureException,
                e.toString());
        assertFalse(e instanceof DamagedInputException);
        assertEquals(Gradcam4jException.Kind.UNSUPPORTED, e.kind());
        String m = e.getMessage();
        assertTrue(m.contains("feature.h5") && m.contains("jHDF") && m.contains(jhdfSays), m);
        assertFalse(m.contains("damaged"), m);
        assertTrue(m.contains("conv1"), "names the HDF5 object: " + m);
    }
}
