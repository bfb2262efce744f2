package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.TestData;
import io.gradcam4j.keras.reference.Comparison;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Files written by our KerasH5Writer (.h5) and KerasV3Writer (.keras), run by TF.js
 * (tools/reference/saved.js and saved_keras.js read them with h5wasm, and fflate for the zip):
 * loaded back here, they must give TF.js's outputs (testdata/saved/<stem>, <stem>_keras).
 */
class SavedFileReferenceTest {

    @TestFactory
    List<DynamicTest> savedFilesGiveTfjsOutputs() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(TestData.testdata("saved"))) {
            for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve("case.json"))).sorted().toList()) {
                tests.add(dynamicTest(dir.getFileName().toString(), () -> check(dir)));
            }
        }
        assertFalse(tests.isEmpty(), "no cases in testdata/saved");
        return tests;
    }

    private static void check(Path dir) throws IOException {
        JsonNode c = new ObjectMapper().readTree(dir.resolve("case.json").toFile());
        Path file = TestData.projectRoot().resolve(c.get("file").asText());
        KerasModel model = KerasH5File.loadModel(file);
        Comparison out = Comparison.of("output", Npy.read(dir.resolve("output.npy")),
                model.graph().predict(Npy.read(dir.resolve("input.npy"))));
        assertTrue(out.within(1e-4), dir.getFileName() + ": " + out);
    }
}
