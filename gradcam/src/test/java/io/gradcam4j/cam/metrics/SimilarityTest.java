package io.gradcam4j.cam.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import io.gradcam4j.engine.errors.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Spearman's rank correlation and SSIM: textbook values, cases worked by hand, and the values
 * Quantus's {@code correlation_spearman} and {@code ssim} (scipy, scikit-image) gave for the map
 * pairs of testdata/metrics/similarity (tools/reference/metrics_peers.py).
 */
class SimilarityTest {

    @Test
    void spearmanOfKnownRankings() {
        assertEquals(1, SpearmanCorrelation.of(new float[] {1, 2, 3, 4}, new float[] {10, 20, 30, 40}), 1e-12);
        assertEquals(-1, SpearmanCorrelation.of(new float[] {1, 2, 3, 4}, new float[] {4, 3, 2, 1}), 1e-12);
        // monotone, not linear: ranks are all that count
        assertEquals(1, SpearmanCorrelation.of(new float[] {-3, 0.5f, 2, 100}, new float[] {0, 1, 8, 27}), 1e-12);
        // ties share their mean rank: (1.5, 1.5, 3, 4) against (1, 2, 3, 4): 4.5 / sqrt(4.5 * 5) = 0.9486...
        assertEquals(0.9486832980505138, SpearmanCorrelation.of(new float[] {0, 0, 1, 2}, new float[] {1, 2, 3, 4}), 1e-12);
        // a constant map has no ranking to correlate: 0, not NaN
        assertEquals(0, SpearmanCorrelation.of(new float[] {5, 5, 5}, new float[] {1, 2, 3}));
        assertEquals(0, SpearmanCorrelation.of(new float[] {-0f, 0f, 0f}, new float[] {3, 1, 2}), "-0 equals 0");
    }

    @Test
    void ranksOfNegativeAndTiedValues() {
        double[] r = SpearmanCorrelation.ranks(new float[] {-1f, -2f, 3f, -1f, 0f});
        assertEquals(java.util.List.of(2.5, 1.0, 5.0, 2.5, 4.0), java.util.Arrays.stream(r).boxed().toList());
    }

    @Test
    void ssimOfAMapWithItselfIsOne() {
        float[] a = new float[9 * 8];
        java.util.Random random = new java.util.Random(2);
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat();
        }
        assertEquals(1, StructuralSimilarity.of(a, a.clone(), 9, 8), 1e-12);
    }

    @Test
    void ssimOfTwoConstantMapsByHand() {
        // a = 0, b = 1 on a 7 x 7 map (one window): L = 1, C1 = 1e-4, C2 = 9e-4, every variance 0:
        // (2 * 0 * 1 + C1)(0 + C2) / ((0 + 1 + C1)(0 + C2)) = C1 / (1 + C1)
        float[] zero = new float[49];
        float[] one = new float[49];
        java.util.Arrays.fill(one, 1f);
        assertEquals(1e-4 / (1 + 1e-4), StructuralSimilarity.of(zero, one, 7, 7), 1e-15);
        assertEquals(1, StructuralSimilarity.of(one, one.clone(), 7, 7), "equal constant maps are identical");
    }

    @Test
    void ssimOfACheckerboardAndItsInverseByHand() {
        // 7 x 7 checkerboard a (25 ones, 24 zeros) against b = 1 - a, one window, L = 1:
        // ux = 25/49, uy = 24/49; vx = vy = (49/48)(25/49)(24/49) = 600/2352; vxy = -600/2352
        float[] a = new float[49];
        float[] b = new float[49];
        for (int i = 0; i < 49; i++) {
            a[i] = (i / 7 + i % 7) % 2 == 0 ? 1f : 0f;
            b[i] = 1f - a[i];
        }
        double ux = 25 / 49.0;
        double uy = 24 / 49.0;
        double v = 600 / 2352.0;
        double c1 = 1e-4;
        double c2 = 9e-4;
        double expected = (2 * ux * uy + c1) * (-2 * v + c2) / ((ux * ux + uy * uy + c1) * (2 * v + c2));
        assertEquals(expected, StructuralSimilarity.of(a, b, 7, 7), 1e-12);
        assertEquals(-0.9956, expected, 1e-4, "almost perfectly anti-similar");
    }

    @Test
    void ssimRefusesMapsSmallerThanItsWindow() {
        assertThrows(InvalidRequestException.class, () -> StructuralSimilarity.of(new float[36], new float[36], 6, 6));
    }

    @Test
    void spearmanAndSsimAgreeWithQuantus() throws IOException {
        Path dir = TestData.testdata("metrics", "similarity");
        JsonNode cases = new ObjectMapper().readTree(dir.resolve("similarity.json").toFile());
        assertEquals(6, cases.size());
        for (JsonNode c : cases) {
            Tensor a = Npy.read(dir.resolve(c.get("a").asText()));
            Tensor b = Npy.read(dir.resolve(c.get("b").asText()));
            String name = c.get("name").asText();
            assertEquals(c.get("spearman").asDouble(), SpearmanCorrelation.of(a.data(), b.data()), 1e-12, name);
            assertEquals(c.get("ssim").asDouble(), StructuralSimilarity.of(a.data(), b.data(), a.dim(0), a.dim(1)), 1e-9,
                    name);
        }
    }
}
