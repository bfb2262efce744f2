package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.cam.methods.ExplainRequest;
import io.gradcam4j.cam.methods.MethodOptions;
import io.gradcam4j.cam.methods.Methods;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.keras.KerasH5File;
import io.gradcam4j.keras.applications.Applications;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Every method against an independent computation of its definition (docs/METHODS.md): the
 * reference generator (tools/reference/methods.js) computed each case from TensorFlow.js's own
 * activations, gradients and forward passes; random draws (SmoothGrad's noise, RISE's masks) come
 * from files both sides read. The raw map must agree within 1e-3 of its largest magnitude, and
 * the normalised map within 1e-3 (DESIGN.md's bar for CAMs) — 2e-3 for the input-space methods,
 * whose picture divides by a value of the map itself (Captum's 98 % cumulative-sum threshold), so
 * that a relative error of the map counts twice.
 */
class MethodsReferenceTest {
    private static final double TOLERANCE = 1e-3;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, Graph> models = new HashMap<>();

    @TestFactory
    List<DynamicTest> everyMethodMatchesTheReference() throws IOException {
        Path root = TestData.testdata("methods");
        JsonNode index = JSON.readTree(root.resolve("index.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode name : index.get("cases")) {
            Path dir = root.resolve(name.asText());
            tests.add(dynamicTest(name.asText(), () -> check(dir)));
        }
        assertTrue(tests.size() >= 70, "the generator's cases: " + tests.size());
        return tests;
    }

    private void check(Path dir) throws IOException {
        JsonNode c = JSON.readTree(dir.resolve("case.json").toFile());
        Graph graph = model(c.get("model"));
        Tensor x = Npy.read(dir.resolve(c.get("input").asText()));
        List<String> layers = new ArrayList<>();
        c.get("layers").forEach(l -> layers.add(l.asText()));
        int cls = c.get("class").asInt();
        ScoreKind kind = ExplainCommand.parseScore(c.get("score").asText());
        ExplainRequest request = new ExplainRequest(layers, p -> List.of(cls), kind, options(c.get("options"), dir),
                pixels -> blackValue(c, pixels), null);
        ClassMap map = Methods.byName(c.get("method").asText()).explain(graph, x, request).get(0).maps().get(0);

        assertEquals(c.get("status").asText(), map.status().json(), "status");
        boolean captumPicture = map.attribution() != null && !c.get("method").asText().equals("fullgrad");
        compare("normalized", Npy.read(dir.resolve(c.get("normalized").asText())).data(), map.normalized().data(),
                captumPicture ? 2 : 1);
        float[] expectedCam = Npy.read(dir.resolve(c.get("cam").asText())).data();
        compare("cam", expectedCam, map.cam().data(), maxAbs(expectedCam));
        if (c.has("attribution")) {
            float[] expected = Npy.read(dir.resolve(c.get("attribution").asText())).data();
            compare("attribution", expected, map.attribution().data(), maxAbs(expected));
        }
        if (c.has("completeness_gap")) {
            double scale = Math.abs(c.get("score_value").asDouble() - c.get("score_baseline").asDouble());
            assertEquals(c.get("completeness_gap").asDouble(), map.figures().get("completeness_gap"),
                    TOLERANCE * Math.max(scale, 1), "completeness gap");
        }
    }

    /** The black baseline's value of this model's input (the case says it: the preprocessed pixel 0). */
    private static Tensor blackValue(JsonNode c, Tensor pixels) {
        float v = c.get("options").has("baseline_value") ? (float) c.get("options").get("baseline_value").asDouble() : 0f;
        Tensor t = Tensor.zeros(pixels.shape());
        java.util.Arrays.fill(t.data(), v);
        return t;
    }

    private static MethodOptions options(JsonNode o, Path dir) throws IOException {
        MethodOptions.Builder b = MethodOptions.builder();
        if (o.has("steps")) {
            b.steps(o.get("steps").asInt());
        }
        if (o.has("baseline")) {
            b.baseline(MethodOptions.Baseline.valueOf(o.get("baseline").asText().toUpperCase(Locale.ROOT)));
        }
        if (o.has("window")) {
            b.window(o.get("window").asInt());
        }
        if (o.has("stride")) {
            b.stride(o.get("stride").asInt());
        }
        if (o.has("fill")) {
            b.fill((float) o.get("fill").asDouble());
        }
        if (o.has("max_channels")) {
            b.maxChannels(o.get("max_channels").asInt());
        }
        if (o.has("noise")) {
            b.noise(Npy.read(dir.resolve(o.get("noise").asText())));
        }
        if (o.has("masks")) {
            b.masks(Npy.read(dir.resolve(o.get("masks").asText())));
        }
        return b.build();
    }

    private Graph model(JsonNode m) throws IOException {
        String kind = m.get("kind").asText();
        String key = kind + "/" + (m.has("name") ? m.get("name").asText() : m.get("file").asText());
        Graph cached = models.get(key);
        if (cached != null) {
            return cached;
        }
        Graph g = switch (kind) {
            case "demo" -> KerasH5File.load(TestData.projectRoot().resolve(m.get("file").asText()));
            case "application" -> Applications.seeded(Applications.byName(m.get("name").asText())).graph();
            case "corpus" -> {
                Path file = TestData.sharedCorpus().resolve("models").resolve(m.get("file").asText());
                assumeTrue(Files.exists(file), file + " is absent (../shared/corpus); skipping");
                yield KerasH5File.load(file);
            }
            default -> throw new IllegalArgumentException("unknown model kind " + kind);
        };
        models.put(key, g);
        return g;
    }

    private static void compare(String what, float[] expected, float[] got, double scale) {
        assertEquals(expected.length, got.length, what + " size");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < got.length; i++) {
            double d = Math.abs(expected[i] - got[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        assertTrue(worst <= TOLERANCE * Math.max(scale, 1e-12), what + " differs from the reference by " + worst
                + " at " + at + " (scale " + scale + ")");
    }

    private static float maxAbs(float[] v) {
        float m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
