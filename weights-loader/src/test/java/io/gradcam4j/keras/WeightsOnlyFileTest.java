package io.gradcam4j.keras;

import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import io.gradcam4j.engine.errors.InvalidRequestException;
import io.gradcam4j.keras.applications.Applications;
import io.gradcam4j.keras.reference.Comparison;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Weights-only files in the keras.applications layout, onto the Java architectures. */
class WeightsOnlyFileTest {

    /** A file written by the reference generator (h5wasm) with seeded weights; TF.js's output for it. */
    @Test
    void generatedApplicationsFileLoadsAndMatchesTfjs() throws IOException {
        KerasModel model = WeightsOnlyFile.load(TestData.testdata("applications",
                "mobilenet_0.25_224_no_top_seeded.h5"), Applications.byName("mobilenet_0.25_224_no_top"));
        Path dir = TestData.testdata("applications", "mobilenet_0.25_224_no_top");
        Tensor out = model.graph().predict(Npy.read(dir.resolve("input.npy")));
        Comparison c = Comparison.of("output", Npy.read(dir.resolve("output.npy")), out);
        assertTrue(c.within(1e-4), c.toString());
    }

    /** The genuine keras.applications file (Keras 2.0.4): every layer and shape lines up with ours. */
    @Test
    void genuineKerasMobileNetFileLoads() throws IOException {
        Path file = TestData.sharedCorpus().resolve("models/keras_app_mobilenet_2_5_224_tf_no_top.h5");
        assumeTrue(Files.exists(file), file + " is absent; skipping");
        KerasModel model = WeightsOnlyFile.load(file, Applications.byName("mobilenet_0.25_224_no_top"));
        float[] out = model.graph().predict(Tensor.zeros(1, 224, 224, 3)).data();
        assertEquals(7 * 7 * 256, out.length);
        for (float v : out) {
            assertTrue(Float.isFinite(v) && v >= 0f && v <= 6f, "relu6 output " + v);
        }
    }

    /** A no-top file for the model with its top: its 54 layers are the first of 55, named as such. */
    @Test
    void aFileWithoutItsTopIsNamedAsSuchWithTheWayToLoadIt() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> WeightsOnlyFile.load(
                TestData.testdata("applications", "mobilenet_0.25_224_no_top_seeded.h5"),
                Applications.byName("mobilenet_0.25_224")));
        assertTrue(e.getMessage().contains("holds weights for 54 layers but mobilenet_0.25_224 has 55"), e.getMessage());
        assertTrue(e.getMessage().contains("without [conv_preds]"), e.getMessage());
        assertTrue(e.getMessage().contains("include_top=False"), e.getMessage());
        assertTrue(e.getMessage().contains("--no-top"), e.getMessage());
    }

    @Test
    void aFileForAnotherModelIsAClearError() {
        KerasFormatException e = assertThrows(KerasFormatException.class, () -> WeightsOnlyFile.load(
                TestData.testdata("applications", "mobilenet_0.25_224_no_top_seeded.h5"),
                Applications.byName("vgg16")));
        assertTrue(e.getMessage().contains("the file of another model"), e.getMessage());
    }
}
