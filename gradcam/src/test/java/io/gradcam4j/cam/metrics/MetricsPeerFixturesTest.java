package io.gradcam4j.cam.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import io.gradcam4j.engine.graph.Graph;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every metric against the peers' own code on the fixtures of tools/reference/metrics_peers.py
 * (testdata/metrics): torch-cam's {@code DeletionInsertionMetric} and {@code ClassificationMetric},
 * pytorch-grad-cam's ROAD and removal metrics (noise 0), run on a small softmax model
 * (flatten, dense relu, dense) that is rebuilt here with the engine from the same weights.
 * Four maps: at the input's 12 x 10 and at 4 x 5 (upsampled), without ties and with many zeros;
 * the percentile metrics only on maps without ties, where pytorch-grad-cam's thresholds and our
 * counts agree (see {@link PercentileRemoval}).
 *
 * <p>Tolerance: 1e-5 absolute on probabilities, changes and areas (both sides compute the model
 * in float32 with different summation orders; measured differences are about 1e-7), 1e-6 on the
 * upsampled map and 1e-5 on imputed values.
 */
class MetricsPeerFixturesTest {
    private static final double TOL = 1e-5;
    private static final Path DIR = TestData.testdata("metrics");

    private static Tensor npy(String... parts) throws IOException {
        return Npy.read(DIR.resolve(Path.of("", parts)));
    }

    private static double[] doubles(JsonNode array) {
        double[] v = new double[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asDouble();
        }
        return v;
    }

    private static void assertAllClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, what + " at " + i);
        }
    }

    /** "constant 0.3, 7 steps" -> fill constant 0.3, 7 steps. */
    private static MetricOptions.Builder fill(String fill) {
        MetricOptions.Builder b = MetricOptions.builder();
        if (fill.startsWith("constant ")) {
            return b.fill(MetricOptions.Fill.CONSTANT).fillValue(Float.parseFloat(fill.substring("constant ".length())));
        }
        return b.fill(MetricOptions.Fill.parse(fill));
    }

    @TestFactory
    List<DynamicTest> everyMetricAgreesWithThePeers() throws IOException {
        JsonNode index = new ObjectMapper().readTree(DIR.resolve("index.json").toFile());
        Graph model = MetricModels.mlp(npy("model", "w1.npy"), npy("model", "b1.npy"), npy("model", "w2.npy"),
                npy("model", "b2.npy"));
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode name : index.get("cases")) {
            JsonNode c = new ObjectMapper().readTree(DIR.resolve(name.asText()).resolve("case.json").toFile());
            Tensor x = npy(name.asText(), "x.npy");
            Tensor m = npy(name.asText(), "map.npy");
            MetricInput in = new MetricInput(model, x, c.get("class").asInt(),
                    MetricModels.map(m.data(), m.dim(0), m.dim(1)), 7);
            String label = name.asText() + ": ";
            tests.add(DynamicTest.dynamicTest(label + "upsampled map", () -> assertUpsampled(c, in)));
            tests.add(DynamicTest.dynamicTest(label + "deletion and insertion", () -> assertCurves(c, in)));
            tests.add(DynamicTest.dynamicTest(label + "average drop", () -> {
                MetricResult r = Metrics.byName("average-drop", null).measure(in);
                assertEquals(c.get("average_drop").get("drop").asDouble(), r.figure("drop"), TOL);
                assertEquals(c.get("average_drop").get("increase").asDouble(), r.figure("increase"));
            }));
            if (c.has("road_morf")) {
                tests.add(DynamicTest.dynamicTest(label + "ROAD and removals", () -> assertRemovals(c, in)));
                tests.add(DynamicTest.dynamicTest(label + "noisy linear imputation", () -> assertImputation(name.asText(), c, in)));
            }
        }
        assertTrue(tests.size() >= 4 * 3 + 2 * 2, "all cases read: " + tests.size());
        return tests;
    }

    private static void assertUpsampled(JsonNode c, MetricInput in) {
        Relevance r = Relevance.of(in.map(), in.height(), in.width());
        JsonNode rows = c.get("upsampled_map");
        for (int y = 0; y < in.height(); y++) {
            for (int x = 0; x < in.width(); x++) {
                assertEquals(rows.get(y).get(x).asDouble(), r.value(y * in.width() + x), 1e-6, "(" + y + ", " + x + ")");
            }
        }
    }

    private static void assertCurves(JsonNode c, MetricInput in) {
        Iterator<Map.Entry<String, JsonNode>> cases = c.get("deletion_insertion").fields();
        int checked = 0;
        while (cases.hasNext()) {
            Map.Entry<String, JsonNode> e = cases.next();
            String[] parts = e.getKey().split(", ");   // "mean, 7 steps"
            int steps = Integer.parseInt(parts[1].split(" ")[0]);
            MetricOptions o = fill(parts[0]).steps(steps).build();
            JsonNode expected = e.getValue();
            MetricResult deletion = Metrics.byName("deletion", o).measure(in);
            MetricResult insertion = Metrics.byName("insertion", o).measure(in);
            assertAllClose(doubles(expected.get("deletion")), deletion.curve(), TOL, e.getKey() + " deletion");
            assertAllClose(doubles(expected.get("insertion")), insertion.curve(), TOL, e.getKey() + " insertion");
            assertEquals(expected.get("deletion_auc").asDouble(), deletion.figure("auc"), TOL, e.getKey());
            assertEquals(expected.get("insertion_auc").asDouble(), insertion.figure("auc"), TOL, e.getKey());
            assertEquals(expected.get("fractions").size(), deletion.forwardPasses(), "one pass per point");
            checked++;
        }
        assertEquals(8, checked);
    }

    /**
     * The percentile metrics, at every percentile where pytorch-grad-cam's threshold kept as many
     * pixels as {@link PercentileRemoval} keeps. An upsampled map repeats its edge values, and
     * where such a tie straddles the threshold pytorch-grad-cam keeps fewer pixels (all tied ones
     * go): there the figures differ by definition, and at most two percentiles per order do.
     */
    private static void assertRemovals(JsonNode c, MetricInput in) {
        double[] percentiles = doubles(c.get("percentiles"));
        MetricOptions road = MetricOptions.builder().percentiles(percentiles).roadNoise(0).build();
        for (String order : new String[] {"morf", "lerf"}) {
            boolean[] comparable = new boolean[percentiles.length];
            int compared = 0;
            for (int k = 0; k < percentiles.length; k++) {
                int theirs = c.get("kept_" + order).get(k).asInt();
                comparable[k] = theirs == PercentileRemoval.keptCount(in.height() * in.width(), percentiles[k]);
                compared += comparable[k] ? 1 : 0;
            }
            assertTrue(compared >= percentiles.length - 2, order + ": only " + compared + " percentiles comparable");
            String roadName = order.equals("morf") ? "road-morf" : "road-lerf";
            assertSome(doubles(c.get("road_" + order)), Metrics.byName(roadName, road).measure(in).curve(), comparable,
                    roadName);
            String metric = order.equals("morf") ? "remove-most" : "remove-least";
            Iterator<Map.Entry<String, JsonNode>> fills = c.get("remove_" + order).fields();
            while (fills.hasNext()) {
                Map.Entry<String, JsonNode> f = fills.next();
                MetricOptions o = fill(f.getKey()).percentiles(percentiles).build();
                MetricResult r = Metrics.byName(metric, o).measure(in);
                assertSome(doubles(f.getValue()), r.curve(), comparable, metric + ", " + f.getKey());
                assertEquals(1 + percentiles.length, r.forwardPasses());
            }
        }
    }

    private static void assertSome(double[] expected, double[] actual, boolean[] which, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (which[i]) {
                assertEquals(expected[i], actual[i], TOL, what + " at " + i);
            }
        }
    }

    private static void assertImputation(String name, JsonNode c, MetricInput in) throws IOException {
        Relevance r = Relevance.of(in.map(), in.height(), in.width());
        for (String order : new String[] {"morf", "lerf"}) {
            PercentileRemoval.Order o = order.equals("morf") ? PercentileRemoval.Order.MOST_RELEVANT_FIRST
                    : PercentileRemoval.Order.LEAST_RELEVANT_FIRST;
            float[] ours = NoisyLinearImputation.impute(in.input(), PercentileRemoval.kept(r, 30, o), 0,
                    new SplittableRandom(0));
            float[] theirs = npy(name, "road_" + order + "_p30.npy").data();
            assertEquals(theirs.length, ours.length);
            for (int i = 0; i < ours.length; i++) {
                assertEquals(theirs[i], ours[i], 1e-5, order + " value " + i);
            }
        }
    }
}
