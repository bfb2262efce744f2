package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.engine.Gradients;
import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static io.gradcam4j.engine.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Every layer fixture of {@code testdata/layers} (written by tools/reference with TensorFlow.js,
 * Keras layer semantics, its known deviations fixed): the layer is built from its Keras config
 * and weights, and its output, input gradients, weight gradients and (training BatchNorm)
 * updated moving statistics must match within 1e-4 of the largest reference magnitude. The
 * finite-difference checks of the same ops and configurations are in the engine's
 * OpGradientTest, on inputs chosen away from kinks (random fixture inputs sit too close to ReLU
 * and max-pool kinks for float32 differences to be meaningful).
 */
class LayerFixtureTest {
    private static final double TOLERANCE = 1e-4;

    @TestFactory
    List<DynamicTest> everyLayerFixtureMatchesTheReference() throws IOException {
        List<Fixture> fixtures = Fixture.all(TestData.testdata("layers"));
        assertFalse(fixtures.isEmpty(), "no layer fixtures in testdata/layers");
        List<DynamicTest> tests = new ArrayList<>();
        for (Fixture f : fixtures) {
            tests.add(dynamicTest(f.name(), () -> checkAgainstReference(f)));
        }
        return tests;
    }

    private static Op build(Fixture f) {
        return new KerasLayers(false).create(f.spec.get("class_name").asText(), f.spec.get("config"),
                f.arrays("weights"));
    }

    private static Mode mode(Fixture f) {
        return f.spec.path("training").asBoolean(false) ? Mode.training(1) : Mode.INFERENCE;
    }

    private static void checkAgainstReference(Fixture f) {
        Op op = build(f);
        Tensor[] inputs = f.arrays("inputs").toArray(new Tensor[0]);
        Step step = op.forward(inputs, mode(f));
        assertClose(f.array(f.spec.get("output")), step.output(), TOLERANCE, f.name() + " output");

        Gradients weightGrads = new Gradients();
        Tensor[] inputGrads = step.backward().apply(f.array(f.spec.get("projection")), weightGrads);
        List<Tensor> expectedInputGrads = f.arrays("input_grads");
        assertEquals(expectedInputGrads.size(), inputGrads.length, "number of input gradients");
        for (int i = 0; i < inputGrads.length; i++) {
            assertClose(expectedInputGrads.get(i), inputGrads[i], TOLERANCE, f.name() + " gradient of input " + i);
        }
        for (JsonNode wg : f.spec.withArray("weight_grads")) {
            Param p = param(op, wg.get("name").asText());
            Tensor g = weightGrads.get(p);
            assertNotNull(g, f.name() + ": no gradient for weight " + p.name());
            assertClose(f.array(wg), g, TOLERANCE, f.name() + " gradient of weight " + p.name());
        }
        for (JsonNode uw : f.spec.withArray("updated_weights")) {
            Param p = param(op, uw.get("name").asText());
            assertClose(f.array(uw), p.value(), TOLERANCE, f.name() + " updated " + p.name());
        }
    }

    private static Param param(Op op, String name) {
        return op.params().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("op " + op.describe() + " has no weight '" + name + "'"));
    }
}
