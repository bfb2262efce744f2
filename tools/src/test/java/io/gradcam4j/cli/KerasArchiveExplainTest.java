package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.TestData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * {@code explain --model FILE.keras} end to end on the Keras v3 archives of ../shared/corpus: the
 * command line opens them like .h5 files, and the Grad-CAM map of the top class, on the reference
 * input, is the map computed from TF.js's activation and logit gradient (testdata/corpus/<stem>,
 * tools/reference/corpus_keras.js) by the textbook formula, within 1e-3 (as GradCamReferenceTest
 * for .h5 files). Skipped, saying why, when the corpus is absent.
 */
class KerasArchiveExplainTest {
    private static final double TOLERANCE = 1e-3;

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> gradCamOfKerasArchivesMatchesTheReference() {
        return Stream.of("potato_5class_augment", "cifar10_bn_dropout", "fer2013_augment_bn", "tm_helmet_mobilenetv2")
                .map(stem -> dynamicTest(stem, () -> check(stem)));
    }

    private void check(String stem) throws IOException {
        Path dir = TestData.testdata("corpus", stem);
        JsonNode c = new ObjectMapper().readTree(dir.resolve("case.json").toFile());
        Path model = TestData.sharedCorpus().resolve("models").resolve(c.get("file").asText());
        assumeTrue(Files.exists(model), model + " is absent (../shared/corpus not beside the project); skipping");
        String tap = c.get("tap").asText();
        int top = c.get("top_class").asInt();
        CliRun r = CliRun.run("explain", "--model", model.toString(), "--input", dir.resolve("input.npy").toString(),
                "--layer", tap, "--class", Integer.toString(top), "--json", "--out", tmp.resolve(stem).toString());
        assertEquals(0, r.code(), r.err());
        JsonNode report = r.json();
        assertEquals(tap, report.get("layer").get("name").asText());
        JsonNode target = report.get("targets").get(0);
        assertEquals(top, target.get("index").asInt());

        float[] expected = GradCamReferenceTest.referenceMap(Npy.read(dir.resolve(c.get("tap_output").asText())),
                Npy.read(dir.resolve(c.get("tap_grad_logit").asText())));
        JsonNode cam = target.get("cam");
        double max = target.get("cam_max").asDouble();
        double worst = 0;
        int i = 0;
        for (JsonNode row : cam) {
            for (JsonNode v : row) {
                worst = Math.max(worst, Math.abs(expected[i++] - (max > 0 ? v.asDouble() / max : 0)));
            }
        }
        assertEquals(expected.length, i, "map size");
        System.out.printf("%s: normalized Grad-CAM at %s, max |difference| %.2e%n", stem, tap, worst);
        assertEquals(0, worst, TOLERANCE, stem + ": normalized Grad-CAM differs from the reference by " + worst);
    }
}
