package io.gradcam4j.keras.applications;

import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import io.gradcam4j.engine.errors.InvalidRequestException;
import io.gradcam4j.keras.KerasFormatException;
import io.gradcam4j.keras.KerasModel;
import io.gradcam4j.keras.reference.Comparison;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

    /**
     * The genuine keras.applications file (Keras 2.0.4, MobileNet 0.25 without its top) on a real
     * photo: the features, and their global average ({@code pooling='avg'}), against TF.js running
     * the same weights (tools/reference/heads.js).
     */
    @Test
    void genuineKerasMobileNetFileGivesTfjsFeaturesOfARealPhoto() throws IOException {
        Path file = TestData.sharedCorpus().resolve("models/keras_app_mobilenet_2_5_224_tf_no_top.h5");
        assumeTrue(Files.exists(file), file + " is absent (../shared/corpus not beside the project); skipping");
        Path dir = TestData.testdata("applications", "mobilenet_0.25_224_no_top_genuine");
        Tensor photo = Npy.read(dir.resolve("input.npy"));
        Application noTop = Applications.byName("mobilenet_0.25_224_no_top");
        Tensor features = WeightsOnlyFile.load(file, noTop).graph().predict(photo);
        Comparison c = Comparison.of("features", Npy.read(dir.resolve("output.npy")), features);
        assertTrue(c.within(1e-4), c.toString());
        Tensor pooled = WeightsOnlyFile.load(file, Pooling.AVG.applyTo(noTop)).graph().predict(photo);
        Comparison p = Comparison.of("pooled features", Npy.read(dir.resolve("pooled_avg.npy")), pooled);
        assertTrue(p.within(1e-4), p.toString());
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
