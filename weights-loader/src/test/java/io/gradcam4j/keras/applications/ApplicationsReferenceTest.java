package io.gradcam4j.keras.applications;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Recording;
import io.gradcam4j.keras.KerasModel;
import io.gradcam4j.keras.reference.Comparison;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * The Java keras.applications architectures against TF.js's (tools/reference/applications.js),
 * both filled with the same seeded weights and built at the case's input size: top-5 identical, outputs and logits within 1e-4 of
 * the largest magnitude, the Grad-CAM layer's activation and its gradient of the top logit too.
 */
class ApplicationsReferenceTest {
    private static final double TOLERANCE = 1e-4;

    @TestFactory
    List<DynamicTest> javaArchitecturesMatchTfjs() throws IOException {
        Path dir = TestData.testdata("applications");
        JsonNode index = new ObjectMapper().readTree(dir.resolve("index.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode name : index.get("cases")) {
            tests.add(dynamicTest(name.asText(), () -> check(dir.resolve(name.asText()), name.asText())));
        }
        return tests;
    }

    private static void check(Path dir, String name) throws IOException {
        JsonNode c = new ObjectMapper().readTree(dir.resolve("case.json").toFile());
        // the architecture at the case's input size (small where Keras allows, to keep fixtures small)
        JsonNode shape = c.get("input_shape");
        KerasModel model = Applications.seeded(Applications.byName(c.path("application").asText(name),
                shape.get(1).asInt(), shape.get(2).asInt()));
        Tensor x = Npy.read(dir.resolve(c.get("input").get("file").asText()));
        Tensor expected = Npy.read(dir.resolve(c.get("output").get("file").asText()));
        String tap = c.get("tap").asText();
        Graph graph = model.graph();
        Graph run = graph.withoutFinalActivation().orElse(graph);
        Recording rec = run.record(new Tensor[] {x}, Mode.INFERENCE, List.of(tap), false);
        List<Comparison> results = new ArrayList<>();
        results.add(Comparison.of("activation of " + tap, Npy.read(dir.resolve(c.get("tap_output").asText())),
                rec.value(tap)));
        if (c.has("logits")) {
            Tensor logits = rec.output();
            results.add(Comparison.of("logits", Npy.read(dir.resolve(c.get("logits").asText())), logits));
            Tensor probabilities = graph.finalActivation().orElseThrow().apply(logits);
            results.add(Comparison.of("probabilities", expected, probabilities));
            // ranked by logit: a saturated softmax (seeded Xception) ties its tail at exactly 0
            Tensor expectedLogits = Npy.read(dir.resolve(c.get("logits").asText()));
            assertArrayEquals(top5(expectedLogits.data()), top5(logits.data()), name + ": top-5 classes");
            int top = top5(expectedLogits.data())[0];
            Tensor seed = Tensor.zerosLike(logits);
            seed.data()[top] = 1f;
            results.add(Comparison.of("gradient of the top logit at " + tap,
                    Npy.read(dir.resolve(c.get("tap_grad_logit").asText())), rec.backward(seed).get(tap)));
        } else {
            results.add(Comparison.of("output", expected, rec.output()));
        }
        Comparison worst = results.stream().max((a, b) -> Double.compare(a.relativeError(), b.relativeError()))
                .orElseThrow();
        System.out.printf("%s: worst %s %.1e%n", name, worst.what(), worst.relativeError());
        List<Comparison> bad = results.stream().filter(r -> !r.within(TOLERANCE)).toList();
        assertTrue(bad.isEmpty(), name + ": " + bad);
    }

    private static int[] top5(float[] p) {
        Integer[] idx = new Integer[p.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Float.compare(p[b], p[a]));
        return Arrays.stream(idx).limit(5).mapToInt(Integer::intValue).toArray();
    }
}
