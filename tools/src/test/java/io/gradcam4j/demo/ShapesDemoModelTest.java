package io.gradcam4j.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.keras.KerasH5File;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Measures the committed demo model itself (not numbers printed when it was trained): loaded from
 * {@code shapes_cnn.h5} with {@link KerasH5File}, on a fresh held-out sample that neither training
 * nor the evaluation in {@code demo.json} used.
 */
class ShapesDemoModelTest {
    private static final String FOLDER = "/io/gradcam4j/demo/";
    /** Far past the held-out images TrainDemo evaluates and picks demo pictures from. */
    private static final int FIRST_FRESH_TEST_INDEX = 1_000_000;
    /** 500 images: the standard error of a rate near 0.98 is about 0.006, and it takes about a second. */
    private static final int SAMPLES = 500;

    private static JsonNode info() throws Exception {
        try (InputStream in = ShapesDemoModelTest.class.getResourceAsStream(FOLDER + "demo.json")) {
            assertNotNull(in, "demo.json is bundled");
            return new ObjectMapper().readTree(in);
        }
    }

    private static Path modelFile(JsonNode info, Path dir) throws Exception {
        Path file = dir.resolve("shapes_cnn.h5");
        try (InputStream in = ShapesDemoModelTest.class.getResourceAsStream(FOLDER + info.path("model").asText())) {
            assertNotNull(in, "the model file is bundled");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    @Test
    void theCommittedModelClassifiesAndPointsAtHeldOutShapes(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        JsonNode info = info();
        Path file = modelFile(info, dir);
        assertTrue(Files.size(file) < 1_000_000, "the demo model is small: " + Files.size(file) + " bytes");
        Graph graph = KerasH5File.load(file);
        int size = info.path("input_size").get(0).asInt();
        ShapesDataset data = new ShapesDataset(info.path("seed").asLong(), size);
        PointingGame.Result r = PointingGame.evaluate(graph, info.path("gradcam_layer").asText(), data,
                ShapesDataset.Split.TEST, FIRST_FRESH_TEST_INDEX, SAMPLES);
        System.out.println("committed demo model on " + SAMPLES + " fresh held-out images: " + r);
        assertTrue(r.accuracy() >= 0.95, "accuracy " + r);
        assertTrue(r.boxHits() >= 0.95, "pointing game " + r);
    }

    @Test
    void theBundleIsComplete() throws Exception {
        JsonNode info = info();
        assertEquals("none", info.path("preprocessing").asText(), "the model rescales inside");
        assertEquals(ShapesDataset.CLASSES.size(), info.path("classes").size());
        assertEquals(ShapesDataset.CLASSES.size(), info.path("images").size(), "one demo image per class");
        for (JsonNode image : info.path("images")) {
            assertNotNull(getClass().getResource(FOLDER + image.asText()), image.asText());
        }
        assertTrue(info.path("test_accuracy").asDouble() >= 0.9, "accuracy recorded at training");
        assertTrue(info.path("pointing_game_accuracy").asDouble() >= 0.9, "pointing game recorded at training");
    }
}
