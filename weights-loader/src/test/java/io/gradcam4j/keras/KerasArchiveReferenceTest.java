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
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * The Keras v3 archives of ../shared/corpus/models against the independent reference
 * (testdata/corpus/<stem>, written by tools/reference/corpus_keras.js from the same archives with
 * TF.js, fflate and h5wasm): the output, the Grad-CAM layer's activation and the gradients of the
 * top class's output and logit there within 1e-4 of the largest reference magnitude. The same
 * archive re-zipped with deflate, and its model.weights.h5 loaded alone onto its config.json, must
 * give the same output bit for bit. Skipped, saying why, when the corpus is absent.
 */
class KerasArchiveReferenceTest {
    private static final double TOLERANCE = 1e-4;
    private static final List<String> STEMS = List.of("potato_5class_augment", "cifar10_bn_dropout",
            "fer2013_augment_bn", "tm_helmet_mobilenetv2");

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> corpusArchivesMatchTheReference() {
        return STEMS.stream().map(stem -> dynamicTest(stem, () -> check(stem)));
    }

    private void check(String stem) throws IOException {
        Path caseDir = TestData.testdata("corpus", stem);
        assertTrue(Files.isRegularFile(caseDir.resolve("case.json")), "the reference case " + caseDir + " is missing "
                + "(tools/reference: node corpus_keras.js)");
        JsonNode c = new ObjectMapper().readTree(caseDir.resolve("case.json").toFile());
        assertEquals("ok", c.path("status").asText(), stem + ": the reference could not run it");
        Path archive = TestData.sharedCorpus().resolve("models").resolve(c.get("file").asText());
        assumeTrue(Files.exists(archive), archive + " is absent (../shared/corpus not beside the project); skipping");
        assertEquals(c.get("sha256").asText(), sha256(archive), "the reference was computed from another file");

        KerasModel model = KerasModelFile.loadModel(archive);
        Graph graph = model.graph();
        Tensor x = Npy.read(caseDir.resolve(c.get("input").get("file").asText()));
        String tap = c.get("tap").asText();
        Recording rec = graph.record(new Tensor[] {x}, Mode.INFERENCE, List.of(tap), false);
        Tensor seed = Tensor.zerosLike(rec.output());
        seed.data()[c.get("top_class").asInt()] = 1f;
        Graph logits = graph.withoutFinalActivation().orElseThrow();
        Recording lr = logits.record(new Tensor[] {x}, Mode.INFERENCE, List.of(tap), false);
        Tensor logitSeed = Tensor.zerosLike(lr.output());
        logitSeed.data()[c.get("top_class").asInt()] = 1f;

        List<Comparison> results = new ArrayList<>();
        results.add(Comparison.of("output", npy(caseDir, c, "output"), rec.output()));
        results.add(Comparison.of("activation of " + tap, Npy.read(caseDir.resolve(c.get("tap_output").asText())),
                rec.value(tap)));
        results.add(Comparison.of("gradient of the top output at " + tap,
                Npy.read(caseDir.resolve(c.get("tap_grad").asText())), rec.backward(seed).get(tap)));
        results.add(Comparison.of("gradient of the top logit at " + tap,
                Npy.read(caseDir.resolve(c.get("tap_grad_logit").asText())), lr.backward(logitSeed).get(tap)));
        System.out.println(stem + ": " + results);
        assertEquals(List.of(), results.stream().filter(r -> !r.within(TOLERANCE)).toList(), stem);

        float[] output = rec.output().data();
        assertArrayEquals(output, KerasModelFile.loadModel(deflatedCopy(archive)).graph().predict(x).data(),
                stem + " re-zipped with deflate");
        Path weights = dir.resolve(stem + ".weights.h5");
        JsonNode config = new ObjectMapper().readTree(extract(archive, "config.json", weights));
        extract(archive, "model.weights.h5", weights);
        assertArrayEquals(output, KerasModelFile.loadWeights(weights, config).graph().predict(x).data(),
                stem + ": model.weights.h5 alone on config.json");
    }

    private static Tensor npy(Path caseDir, JsonNode c, String key) throws IOException {
        return Npy.read(caseDir.resolve(c.get(key).get("file").asText()));
    }

    /** The archive's members, deflated, by java.util.zip (data descriptors, no sizes in local headers). */
    private Path deflatedCopy(Path archive) throws IOException {
        Map<String, byte[]> members = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                members.put(e.getName(), zip.getInputStream(e).readAllBytes());
            }
        }
        Path copy = dir.resolve("deflated-" + archive.getFileName());
        Files.write(copy, Keras3Fixture.zip(members, true));
        return copy;
    }

    /** One member's bytes, also written to {@code to}. */
    private static byte[] extract(Path archive, String member, Path to) throws IOException {
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            byte[] bytes = zip.getInputStream(zip.getEntry(member)).readAllBytes();
            Files.write(to, bytes);
            return bytes;
        }
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
