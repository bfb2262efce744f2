package io.gradcam4j.keras;

import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.keras.reference.Comparison;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real Keras files written by other people (../shared/corpus, see its README): skipped, with the
 * reason, when the corpus is not beside the project.
 */
class KerasCorpusTest {

    private static Path corpus(String... parts) {
        Path p = TestData.sharedCorpus().resolve(Path.of("", parts));
        assumeTrue(Files.exists(p), "shared corpus file " + p + " is absent; skipping");
        return p;
    }

    /** Keras 2.1.3 computed these predictions itself: an independent check of Conv/BN/Dense. */
    @Test
    void convBatchNormDenseMatchesKerasOwnPredictions() throws IOException {
        Graph graph = KerasH5File.load(corpus("models", "dl4j_cnn_batch_norm.h5"));
        Tensor input = Npy.read(corpus("fixtures", "dl4j_cnn_batch_norm", "input.npy"));
        Tensor expected = Npy.read(corpus("fixtures", "dl4j_cnn_batch_norm", "predictions.npy"));
        Comparison c = Comparison.of("predictions", expected, graph.predict(input));
        assertTrue(c.within(1e-4), c.toString());
    }

    @Test
    void lambdaLayerIsRefusedWithItsName() {
        Path file = corpus("models", "carnd_behavioral_cloning.h5");
        KerasFormatException e = assertThrows(KerasFormatException.class, () -> KerasH5File.load(file));
        assertTrue(e.getMessage().contains("Lambda") && e.getMessage().contains("lambda_1")
                && e.getMessage().contains("carnd_behavioral_cloning.h5"), e.getMessage());
    }

    @Test
    void flatFunctionalAndSequentialFilesOfSeveralKerasVersionsLoad() throws IOException {
        // 2.15 Sequential with BN, 2.0.5 functional residual separable blocks, 3.8 legacy h5, 2.1.3 SeparableConv2D
        assertEquals("conv2d_input", KerasH5File.load(corpus("models", "cifar10_cnn.h5")).inputs().get(0).name());
        Graph fer = KerasH5File.load(corpus("models", "fer2013_mini_xception.h5"));
        assertTrue(fer.nodes().stream().anyMatch(n -> n.name().equals("add_1")), "fer2013 model has its Add nodes");
        assertTrue(KerasH5File.load(corpus("models", "keras3_lenet5_mnist.h5")).nodes().size() > 5);
        assertEquals(2, KerasH5File.load(corpus("models", "dl4j_sepconv2d.h5")).nodes().size());
    }
}
