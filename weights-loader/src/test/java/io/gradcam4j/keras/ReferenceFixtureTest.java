package io.gradcam4j.keras;

import io.gradcam4j.engine.TestData;
import io.gradcam4j.keras.reference.Comparison;
import io.gradcam4j.keras.reference.ReferenceCase;
import io.gradcam4j.keras.reference.ReferenceCheck;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Every fixture written by tools/reference (TensorFlow.js, Keras layer semantics, its known
 * deviations fixed in the generator) must match within 1e-4 of the largest reference magnitude:
 * <ul>
 * <li>{@code testdata/layers}: each layer built from its Keras config and weights — output,
 *     input gradients, weight gradients, BatchNorm's updated moving statistics;</li>
 * <li>{@code testdata/graphs}: residual, Xception-style and Concatenate graphs built from the
 *     Keras JSON — output, tapped inner activation and the gradient there and at the input;</li>
 * <li>{@code testdata/losses}: cross-entropy values and gradients.</li>
 * </ul>
 * The finite-difference checks of the same ops are in the engine's OpGradientTest, on inputs
 * chosen away from ReLU and max kinks (where float32 differences are meaningful).
 */
class ReferenceFixtureTest {

    @TestFactory
    List<DynamicTest> layers() throws IOException {
        return testsFor("layers", ReferenceCheck::layer);
    }

    @TestFactory
    List<DynamicTest> graphs() throws IOException {
        return testsFor("graphs", ReferenceCheck::graph);
    }

    @TestFactory
    List<DynamicTest> losses() throws IOException {
        return testsFor("losses", ReferenceCheck::loss);
    }

    private static List<DynamicTest> testsFor(String folder, Function<ReferenceCase, List<Comparison>> check)
            throws IOException {
        List<ReferenceCase> cases = ReferenceCase.all(TestData.testdata(folder));
        assertFalse(cases.isEmpty(), "no fixtures in testdata/" + folder);
        List<DynamicTest> tests = new ArrayList<>();
        for (ReferenceCase c : cases) {
            tests.add(dynamicTest(c.name(), () -> {
                List<Comparison> results = check.apply(c);
                assertFalse(results.isEmpty(), c.name() + " compared nothing");
                List<Comparison> bad = results.stream().filter(r -> !r.within(ReferenceCheck.TOLERANCE)).toList();
                assertTrue(bad.isEmpty(), c.name() + ":\n  "
                        + bad.stream().map(Comparison::toString).collect(Collectors.joining("\n  ")));
            }));
        }
        return tests;
    }
}
