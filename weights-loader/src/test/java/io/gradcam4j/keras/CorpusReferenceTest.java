package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Recording;
import io.gradcam4j.keras.reference.Comparison;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Every real Keras file of ../shared/corpus/models that TF.js could run (testdata/corpus, written
 * by tools/reference/corpus.js; only the expected numbers are committed): our output, the Grad-CAM
 * layer's activation and the gradients of the top class's output and logit there must match
 * within 1e-4 of the largest reference magnitude. Skipped with a message when ../shared is absent.
 */
class CorpusReferenceTest {
    private static final double TOLERANCE = 1e-4;

    @TestFactory
    List<DynamicTest> corpusModelsMatchTfjs() throws IOException {
        Path root = TestData.testdata("corpus");
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve("case.json"))).sorted().toList()) {
                tests.add(dynamicTest(dir.getFileName().toString(), () -> check(dir)));
            }
        }
        assertTrue(tests.size() >= 9, "corpus reference cases are missing");
        return tests;
    }

    private static void check(Path dir) throws IOException {
        JsonNode c = new ObjectMapper().readTree(dir.resolve("case.json").toFile());
        Path model = TestData.sharedCorpus().resolve("models").resolve(c.get("file").asText());
        assumeTrue(Files.exists(model), model + " is absent (../shared/corpus not beside the project); skipping");
        if (!c.path("status").asText().equals("ok")) {
            // the reference could not run it either: it must be refused with a clear error
            // damaged, or beyond what gradcam4j runs: a typed loader error either way
            io.gradcam4j.engine.errors.Gradcam4jException e = org.junit.jupiter.api.Assertions.assertThrows(
                    io.gradcam4j.engine.errors.Gradcam4jException.class, () -> KerasH5File.load(model));
            assertTrue(e instanceof KerasFormatException || e instanceof UnsupportedKerasFeatureException, e.toString());
            assertTrue(e.getMessage().contains(c.get("file").asText()), e.getMessage());
            return;
        }
        Graph graph = KerasH5File.load(model);
        Tensor x = Npy.read(dir.resolve(c.get("input").get("file").asText()));
        List<Comparison> results = new ArrayList<>();
        results.add(Comparison.of("output", Npy.read(dir.resolve(c.get("output").get("file").asText())),
                graph.predict(x)));
        if (c.has("tap")) {
            String tap = c.get("tap").asText();
            Recording rec = graph.record(new Tensor[] {x}, Mode.INFERENCE, List.of(tap), false);
            results.add(Comparison.of("activation of " + tap, Npy.read(dir.resolve(c.get("tap_output").asText())),
                    rec.value(tap)));
            if (c.hasNonNull("tap_grad")) {
                Tensor seed = topClassSeed(rec.output(), c.get("top_class"));
                results.add(Comparison.of("gradient of the top output at " + tap,
                        Npy.read(dir.resolve(c.get("tap_grad").asText())), rec.backward(seed).get(tap)));
            }
            if (c.hasNonNull("tap_grad_logit")) {
                Graph logits = graph.withoutFinalActivation().orElseThrow();
                Recording lr = logits.record(new Tensor[] {x}, Mode.INFERENCE, List.of(tap), false);
                Tensor seed = topClassSeed(lr.output(), c.get("top_class"));
                results.add(Comparison.of("gradient of the top logit at " + tap,
                        Npy.read(dir.resolve(c.get("tap_grad_logit").asText())), lr.backward(seed).get(tap)));
            }
        }
        List<Comparison> bad = results.stream().filter(r -> !r.within(TOLERANCE)).toList();
        assertEquals(List.of(), bad, c.get("name").asText());
    }

    /** d(sum over samples of output[b, top[b]]): one class per sample (a number for batch 1). */
    private static Tensor topClassSeed(Tensor output, JsonNode topClass) {
        Tensor seed = Tensor.zerosLike(output);
        int classes = output.size() / output.dim(0);
        for (int b = 0; b < output.dim(0); b++) {
            int top = topClass.isArray() ? topClass.get(b).asInt() : topClass.asInt();
            seed.data()[b * classes + top] = 1f;
        }
        return seed;
    }
}
