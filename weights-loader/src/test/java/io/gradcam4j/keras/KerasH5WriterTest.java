package io.gradcam4j.keras;

import io.gradcam4j.engine.GradientCheck;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.keras.applications.Applications;
import io.gradcam4j.keras.applications.WeightsOnlyFile;
import io.jhdf.HdfFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A model saved in the Keras 2 h5 layout loads back with the same weights and outputs. */
class KerasH5WriterTest {

    @Test
    void savedMobileNetLoadsBackWithIdenticalOutputs(@TempDir Path tmp) throws IOException {
        KerasModel model = Applications.seeded(Applications.byName("mobilenet_0.25_128"));
        Path file = tmp.resolve("mobilenet.h5");
        KerasH5Writer.save(model, file);

        Graph loaded = KerasH5File.load(file);
        Tensor x = GradientCheck.random(new Random(3), -1f, 1f, 1, 128, 128, 3);
        assertArrayEquals(model.graph().predict(x).data(), loaded.predict(x).data(), 0f);
    }

    @Test
    void savedWeightsLoadOntoTheArchitectureWithIdenticalOutputs(@TempDir Path tmp) throws IOException {
        var app = Applications.byName("mobilenet_0.25_128");
        KerasModel model = Applications.seeded(app);
        Path file = tmp.resolve("weights.h5");
        KerasH5Writer.saveWeights(model, file);
        try (HdfFile h = new HdfFile(file)) {
            // keras.applications / save_weights layout: layer_names at the root, no architecture
            String[] layers = (String[]) h.getAttribute("layer_names").getData();
            assertEquals("input_1", layers[0]);
            assertEquals(null, h.getAttribute("model_config"));
        }
        KerasModel loaded = WeightsOnlyFile.load(file, app);
        Tensor x = GradientCheck.random(new Random(3), -1f, 1f, 1, 128, 128, 3);
        assertArrayEquals(model.graph().predict(x).data(), loaded.graph().predict(x).data(), 0f);
    }

    @Test
    void layoutIsKeras2s(@TempDir Path tmp) throws IOException {
        KerasModel model = Applications.seeded(Applications.byName("mobilenet_0.25_128"));
        Path file = tmp.resolve("m.h5");
        KerasH5Writer.save(model, file);
        try (HdfFile h = new HdfFile(file)) {
            assertEquals("2.15.0", h.getAttribute("keras_version").getData());
            String[] layers = (String[]) h.getByPath("/model_weights").getAttribute("layer_names").getData();
            assertEquals("input_1", layers[0]);
            String[] weightNames = (String[]) h.getByPath("/model_weights/conv1_bn").getAttribute("weight_names")
                    .getData();
            assertArrayEquals(new String[] {"conv1_bn/gamma:0", "conv1_bn/beta:0", "conv1_bn/moving_mean:0",
                "conv1_bn/moving_variance:0"}, weightNames);
            assertArrayEquals(new int[] {3, 3, 3, 8},
                    ((io.jhdf.api.Dataset) h.getByPath("/model_weights/conv1/conv1/kernel:0")).getDimensions());
        }
    }
}
