package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.TestData;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.keras.reference.Comparison;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Real models written by other people (../shared/corpus: Keras 3 archives with nested Sequentials
 * and augmentation layers, tf.keras 2.15 archives with a Functional inside a Sequential, Keras 2
 * .h5 files), saved again by {@link KerasV3Writer} as .keras: read back here they give, to the
 * last bit, what the original gives, and both give TF.js's outputs for the original
 * (testdata/corpus/<stem>, within 1e-4 as CorpusReferenceTest). Skipped, saying why, when the
 * corpus is absent. (tools/reference/saved_keras.js with SAVED_DIR and TWINS runs TF.js on the
 * converted archives themselves: README.md of tools/reference.)
 */
class KerasV3WriterCorpusTest {
    private static final List<String> FILES = List.of("cifar10_bn_dropout.keras", "fer2013_augment_bn.keras",
            "potato_5class_augment.keras", "tm_helmet_mobilenetv2.keras", "mlperf_tiny_vww96_nested_mobilenet025.h5",
            "fer2013_mini_xception.h5", "cifar10_cnn.h5");

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> corpusModelsSavedAsKerasGiveTheSameOutputs() {
        return FILES.stream().map(f -> dynamicTest(f, () -> check(f)));
    }

    private void check(String file) throws IOException {
        Path original = TestData.sharedCorpus().resolve("models").resolve(file);
        assumeTrue(Files.exists(original), original + " is absent (../shared/corpus not beside the project); skipping");
        String stem = file.replaceAll("\\.(keras|h5)$", "");
        Path dir = TestData.testdata("corpus", stem);
        JsonNode c = new ObjectMapper().readTree(dir.resolve("case.json").toFile());
        assumeTrue("ok".equals(c.path("status").asText("ok")), stem + " has no reference case");
        KerasModel model = KerasModelFile.loadModel(original);
        Path saved = tmp.resolve(stem + ".keras");
        KerasV3Writer.save(model, saved);
        KerasModel again = KerasModelFile.loadModel(saved);

        Tensor x = Npy.read(dir.resolve("input.npy"));
        float[] before = model.graph().predict(x).data();
        float[] after = again.graph().predict(x).data();
        assertArrayEquals(before, after, 0f, stem + ": the .keras computes what the original computes");
        Comparison out = Comparison.of("output", Npy.read(dir.resolve("output.npy")), Tensor.of(after,
                model.graph().predict(x).shape()));
        assertTrue(out.within(1e-4), stem + ": " + out);
    }
}
