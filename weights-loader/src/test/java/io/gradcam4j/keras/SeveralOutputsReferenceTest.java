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
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The corpus model with two outputs (age_gender_two_heads.h5: an age regression head and a gender
 * softmax head on one trunk) against TF.js (tools/reference/heads.js, testdata/corpus/
 * age_gender_two_heads/heads.json): both heads' outputs from one pass, the gender logits, and the
 * gradient of each head's score at the Grad-CAM layer, within 1e-4 of the largest reference value.
 */
class SeveralOutputsReferenceTest {
    private static final double TOLERANCE = 1e-4;
    private static final Path DIR = TestData.testdata("corpus", "age_gender_two_heads");

    private static KerasModel load() throws IOException {
        Path file = TestData.sharedCorpus().resolve("models/age_gender_two_heads.h5");
        assumeTrue(Files.exists(file), file + " is absent (../shared/corpus not beside the project); skipping");
        return KerasModelFile.loadModel(file);
    }

    private static JsonNode reference() throws IOException {
        return new ObjectMapper().readTree(DIR.resolve("heads.json").toFile());
    }

    @Test
    void theModelHasBothHeadsInKerasOrder() throws IOException {
        KerasModel model = load();
        assertEquals(List.of("age_output", "gender_output"), model.outputNames());
        assertArrayEquals(new int[] {1, 1}, model.outputShapes().get("age_output"));
        assertArrayEquals(new int[] {1, 2}, model.outputShapes().get("gender_output"));
        assertEquals(reference().get("tap").asText(), model.suggestedGradcamLayer("gender_output"));
        assertTrue(model.summary().contains("age_output (None, 1), gender_output (None, 2)"), model.summary());
    }

    @Test
    void bothOutputsOfOnePassMatchTfjs() throws IOException {
        KerasModel model = load();
        Map<String, Tensor> outputs = model.graph().predictAll(Npy.read(DIR.resolve("input.npy")));
        for (JsonNode head : reference().get("heads")) {
            String name = head.get("name").asText();
            Comparison c = Comparison.of(name, Npy.read(DIR.resolve(head.get("output").asText())), outputs.get(name));
            assertTrue(c.within(TOLERANCE), c.toString());
        }
    }

    /** Per head: its logits (softmax head) and d score / d tap, the score of its top class. */
    @Test
    void eachHeadsGradientAtTheTapMatchesTfjs() throws IOException {
        KerasModel model = load();
        JsonNode ref = reference();
        String tap = ref.get("tap").asText();
        Tensor x = Npy.read(DIR.resolve("input.npy"));
        for (JsonNode head : ref.get("heads")) {
            String name = head.get("name").asText();
            Graph graph = model.graph().withOutput(name);
            Graph scores = graph.withoutFinalActivation().orElse(graph);
            Recording r = scores.record(new Tensor[] {x}, Mode.INFERENCE, List.of(tap), false);
            if (head.has("logits")) {
                Comparison l = Comparison.of(name + " logits", Npy.read(DIR.resolve(head.get("logits").asText())),
                        r.output());
                assertTrue(l.within(TOLERANCE), l.toString());
            }
            Comparison a = Comparison.of(name + " tap", Npy.read(DIR.resolve("tap_output.npy")), r.value(tap));
            assertTrue(a.within(TOLERANCE), a.toString());
            Tensor seed = Tensor.zeros(r.output().shape());
            seed.data()[head.get("class").asInt()] = 1f;
            Comparison g = Comparison.of(name + " d score / d tap", Npy.read(DIR.resolve(head.get("tap_grad").asText())),
                    r.backward(seed).get(tap));
            assertTrue(g.within(TOLERANCE), g.toString());
        }
    }
}
