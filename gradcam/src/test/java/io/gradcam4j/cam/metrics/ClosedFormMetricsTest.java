package io.gradcam4j.cam.metrics;

import io.gradcam4j.cam.CamStatus;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.errors.InvalidRequestException;
import io.gradcam4j.engine.graph.Graph;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.gradcam4j.cam.metrics.MetricModels.filled;
import static io.gradcam4j.cam.metrics.MetricModels.map;
import static io.gradcam4j.cam.metrics.MetricModels.rankingFirst;
import static io.gradcam4j.cam.metrics.MetricModels.regionMean;
import static io.gradcam4j.cam.metrics.MetricModels.square;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every metric on a model whose score is the mean of one region R of the image (the top-left
 * 4 x 4 square of an 8 x 8 one-channel image, 16 of 64 pixels) or another linear score, with a
 * map that ranks R first: the curves, areas, drops and changes follow by hand, written in each
 * test. Exact up to float rounding (1e-6).
 */
class ClosedFormMetricsTest {
    private static final int SIDE = 8;
    private static final boolean[] R = square(SIDE, SIDE, 4);
    private static final double EPS = 1e-6;

    private static MetricResult measure(String metric, MetricOptions o, Graph model, Tensor x, float[] map, int batch) {
        return Metrics.byName(metric, o).measure(new MetricInput(model, x, 0, map(map, SIDE, SIDE), batch));
    }

    private static MetricResult measure(String metric, MetricOptions o, Tensor x) {
        return measure(metric, o, regionMean(R, null), x, rankingFirst(R), 16);
    }

    @Test
    void deletionOfTheRegionFirst() {
        // x = 1: the score is 1 - min(k, 16) / 16 after the k most relevant pixels become 0.
        // 8 steps of 8 pixels: 1, 1/2, 0, ... (9 points); area = 1/8 * ((1 + 1/2) / 2 + (1/2 + 0) / 2)
        MetricResult r = measure("deletion", MetricOptions.builder().steps(8).build(), filled(1f, 1, SIDE, SIDE, 1));
        assertArrayEquals(new double[] {1, 0.5, 0, 0, 0, 0, 0, 0, 0}, r.curve(), EPS);
        assertEquals(0.125, r.figure("auc"), EPS);
        assertEquals(9, r.forwardPasses(), "steps + 1 images, the unperturbed one included");
    }

    @Test
    void insertionOfTheRegionFirst() {
        // the fill 0 with the k most relevant pixels of x = 1 back: min(k, 16) / 16
        MetricResult r = measure("insertion", MetricOptions.builder().steps(8).build(), filled(1f, 1, SIDE, SIDE, 1));
        assertArrayEquals(new double[] {0, 0.5, 1, 1, 1, 1, 1, 1, 1}, r.curve(), EPS);
        assertEquals((0.25 + 0.75 + 6) / 8, r.figure("auc"), EPS);
        assertEquals(9, r.forwardPasses());
    }

    @Test
    void aLastIntervalShorterThanTheOthersWeighsLess() {
        // 5 steps over 64 pixels: step ceil(64 / 5) = 13, counts 0, 13, 26, 39, 52, 64
        // scores 1, 3/16, 0, 0, 0, 0; area = 13/64 (1 + 3/16) / 2 + 13/64 (3/16) / 2
        MetricResult r = measure("deletion", MetricOptions.builder().steps(5).build(), filled(1f, 1, SIDE, SIDE, 1));
        assertArrayEquals(new double[] {1, 3.0 / 16, 0, 0, 0, 0}, r.curve(), EPS);
        assertEquals(13.0 / 64 * (19.0 / 16) / 2 + 13.0 / 64 * (3.0 / 16) / 2, r.figure("auc"), EPS);
        assertEquals(6, r.forwardPasses());
        assertArrayEquals(new int[] {0, 13, 26, 39, 52, 64}, PixelCurve.counts(64, 5));
        assertArrayEquals(new int[] {0, 1, 2, 3}, PixelCurve.counts(3, 20), "never more points than pixels + 1");
    }

    @Test
    void theMeanFillIsEachChannelsMean() {
        // x = 2 on R and 0 elsewhere: the mean fill is 32 / 64 = 0.5; after k <= 16 deletions the
        // region holds 16 - k twos and k halves: (2 (16 - k) + 0.5 k) / 16
        float[] v = new float[SIDE * SIDE];
        for (int p = 0; p < v.length; p++) {
            v[p] = R[p] ? 2f : 0f;
        }
        MetricOptions mean = MetricOptions.builder().steps(8).fill(MetricOptions.Fill.MEAN).build();
        MetricResult r = measure("deletion", mean, Tensor.of(v, 1, SIDE, SIDE, 1));
        assertArrayEquals(new double[] {2, (16 + 4) / 16.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, r.curve(), EPS);
        MetricOptions constant = MetricOptions.builder().steps(8).fillValue(-1f).build();
        assertArrayEquals(new double[] {2, (16 - 8) / 16.0, -1, -1, -1, -1, -1, -1, -1},
                measure("deletion", constant, Tensor.of(v, 1, SIDE, SIDE, 1)).curve(), EPS);
    }

    @Test
    void averageDropAndIncrease() {
        // x = 2 on R; the map is 1 on the first 8 pixels of R (its top two rows), 0.5 on the rest:
        // O = mean over R of E x = 2 * 0.75, Y = 2, drop = (2 - 1.5) / 2
        float[] x = new float[SIDE * SIDE];
        float[] e = new float[SIDE * SIDE];
        for (int p = 0; p < x.length; p++) {
            x[p] = R[p] ? 2f : 0f;
            e[p] = R[p] ? (p / SIDE < 2 ? 1f : 0.5f) : 0.1f;
        }
        MetricResult r = measure("average-drop", MetricOptions.defaults(), regionMean(R, null),
                Tensor.of(x, 1, SIDE, SIDE, 1), e, 16);
        assertEquals(0.25, r.figure("drop"), EPS);
        assertEquals(0.0, r.figure("increase"));
        assertEquals(2, r.forwardPasses());
        assertNull(r.curve());
        // score = mean over R minus mean over Q (the square below R): x = 2 on R, 1 on Q, so Y = 1;
        // the map is 1 on R and 0 on Q, so O = 2 > Y: an increase, and no drop
        float[] weights = new float[SIDE * SIDE];
        float[] x2 = new float[SIDE * SIDE];
        float[] e2 = new float[SIDE * SIDE];
        for (int p = 0; p < weights.length; p++) {
            boolean q = p / SIDE >= 4 && p % SIDE < 4;
            weights[p] = R[p] ? 1f / 16 : q ? -1f / 16 : 0f;
            x2[p] = R[p] ? 2f : q ? 1f : 0f;
            e2[p] = R[p] ? 1f : 0f;
        }
        MetricResult up = measure("average-drop", MetricOptions.defaults(), MetricModels.linear(weights, 0f, null),
                Tensor.of(x2, 1, SIDE, SIDE, 1), e2, 16);
        assertEquals(0.0, up.figure("drop"));
        assertEquals(1.0, up.figure("increase"));
    }

    @Test
    void aScoreOfZeroHasNoRelativeDrop() {
        UndefinedMetricException e = assertThrows(UndefinedMetricException.class,
                () -> measure("average-drop", MetricOptions.defaults(), filled(0f, 1, SIDE, SIDE, 1)));
        assertEquals("non-positive-score", e.status());
        assertTrue(e.getMessage().startsWith("non-positive-score: "), e.getMessage());
    }

    @Test
    void removingTheMostAndTheLeastRelevantPixels() {
        // 64 pixels; at percentile p, ceil(p / 100 * 63) stay: 90 -> 57 (7 removed), 80 -> 51 (13),
        // 75 -> 48 (16), 50 -> 32 (32), 10 -> 7 (57). x = 1, fill 0: removing the most relevant
        // first takes min(removed, 16) pixels of R, the least relevant first max(0, removed - 48)
        MetricOptions o = MetricOptions.builder().percentiles(90, 80, 75, 50, 10).build();
        MetricResult most = measure("remove-most", o, filled(1f, 1, SIDE, SIDE, 1));
        double[] expectedMost = {-7 / 16.0, -13 / 16.0, -1, -1, -1};
        assertArrayEquals(expectedMost, most.curve(), EPS);
        assertEquals(Arrays.stream(expectedMost).average().orElseThrow(), most.figure("mean"), EPS);
        assertEquals(-13 / 16.0, most.figure("p80"), EPS);
        assertEquals(6, most.forwardPasses(), "the image and one per percentile");
        MetricResult least = measure("remove-least", o, filled(1f, 1, SIDE, SIDE, 1));
        assertArrayEquals(new double[] {0, 0, 0, 0, -9 / 16.0}, least.curve(), EPS);
        assertEquals(java.util.List.of("mean", "p90", "p80", "p75", "p50", "p10"),
                java.util.List.copyOf(least.figures().keySet()));
    }

    @Test
    void roadOfAConstantImageChangesNothing() {
        // the weighted mean of neighbours that all hold 3 is 3: with no noise, no change
        MetricOptions o = MetricOptions.builder().roadNoise(0).build();
        for (String metric : new String[] {"road-morf", "road-lerf"}) {
            MetricResult r = measure(metric, o, filled(3f, 1, SIDE, SIDE, 1));
            assertEquals(9, r.curve().length);
            for (double change : r.curve()) {
                assertEquals(0, change, 1e-6, metric);
            }
            assertEquals(10, r.forwardPasses());
        }
    }

    /** An 8 x 8 image of distinct values and a map whose most relevant pixels are {@code top}, in that order. */
    private static float[] distinctImage() {
        float[] x = new float[SIDE * SIDE];
        java.util.Random random = new java.util.Random(3);
        for (int p = 0; p < x.length; p++) {
            x[p] = random.nextFloat() * 2 - 1;
        }
        return x;
    }

    private static float[] mapWithTop(int... top) {
        float[] m = new float[SIDE * SIDE];
        for (int p = 0; p < m.length; p++) {
            m[p] = 0.5f - p * 1e-3f;
        }
        for (int i = 0; i < top.length; i++) {
            m[top[i]] = 1f - i * 0.01f;
        }
        return m;
    }

    @Test
    void roadImputesOneRemovedPixelByTheMeanOfItsNeighbours() {
        // percentile 99.5 keeps ceil(0.995 * 63) = 63 pixels: the most relevant one, (2, 2) inside
        // R, is removed and becomes sum(w x) over its 8 neighbours (1/6 beside, 1/12 diagonal,
        // weights summing to 1); the score, the mean over R, changes by (imputed - x) / 16
        float[] x = distinctImage();
        int p = 2 * SIDE + 2;
        double imputed = (x[p - 1] + x[p + 1] + x[p - SIDE] + x[p + SIDE]) / 6.0
                + (x[p - SIDE - 1] + x[p - SIDE + 1] + x[p + SIDE - 1] + x[p + SIDE + 1]) / 12.0;
        MetricOptions o = MetricOptions.builder().percentiles(99.5).roadNoise(0).build();
        MetricResult r = measure("road-morf", o, regionMean(R, null), Tensor.of(x, 1, SIDE, SIDE, 1), mapWithTop(p), 16);
        assertEquals((imputed - x[p]) / 16, r.figure("p99.5"), EPS);
        // the corner (0, 0) has three neighbours in the image, weights 1/6, 1/6, 1/12 (sum 5/12)
        double corner = (x[1] / 6.0 + x[SIDE] / 6.0 + x[SIDE + 1] / 12.0) / (5.0 / 12);
        MetricResult c = measure("road-morf", o, regionMean(R, null), Tensor.of(x, 1, SIDE, SIDE, 1), mapWithTop(0), 16);
        assertEquals((corner - x[0]) / 16, c.figure("p99.5"), EPS);
    }

    @Test
    void roadImputesTwoNeighboursTogether() {
        // percentile 98 keeps ceil(0.98 * 63) = 62: the two most relevant pixels, a = (2, 2) and
        // b = (2, 3), are removed. a = A + b / 6 and b = B + a / 6, where A and B are the weighted
        // sums of their known neighbours (each a's weights without the 1/6 of the other):
        // a = (A + B / 6) / (1 - 1 / 36), b = (B + A / 6) / (1 - 1 / 36)
        float[] x = distinctImage();
        int a = 2 * SIDE + 2;
        int b = a + 1;
        double sumA = (x[a - 1] + x[a - SIDE] + x[a + SIDE]) / 6.0
                + (x[a - SIDE - 1] + x[a - SIDE + 1] + x[a + SIDE - 1] + x[a + SIDE + 1]) / 12.0;
        double sumB = (x[b + 1] + x[b - SIDE] + x[b + SIDE]) / 6.0
                + (x[b - SIDE - 1] + x[b - SIDE + 1] + x[b + SIDE - 1] + x[b + SIDE + 1]) / 12.0;
        double ia = (sumA + sumB / 6) / (1 - 1 / 36.0);
        double ib = (sumB + sumA / 6) / (1 - 1 / 36.0);
        MetricOptions o = MetricOptions.builder().percentiles(98).roadNoise(0).build();
        MetricResult r = measure("road-morf", o, regionMean(R, null), Tensor.of(x, 1, SIDE, SIDE, 1), mapWithTop(a, b), 16);
        assertEquals((ia - x[a] + ib - x[b]) / 16, r.figure("p98"), EPS);
        // least relevant first at 98 removes the two least relevant pixels, (7, 6) and (7, 7): outside R
        MetricResult lerf = measure("road-lerf", o, regionMean(R, null), Tensor.of(x, 1, SIDE, SIDE, 1),
                mapWithTop(a, b), 16);
        assertEquals(0, lerf.figure("p98"), EPS);
    }

    @Test
    void roadNoiseHasTheRequestedSpreadAndIsRepeatedBySeed() {
        // a constant image: the imputed values are 3 + noise; with the score the mean over all
        // 64 pixels and 90 % of them removed, the change is the mean of 57 noise draws
        boolean[] all = new boolean[SIDE * SIDE];
        Arrays.fill(all, true);
        Graph model = regionMean(all, null);
        MetricOptions o = MetricOptions.builder().percentiles(10).roadNoise(0.5).seed(4).build();
        Tensor x = filled(3f, 1, SIDE, SIDE, 1);
        double[] changes = new double[200];
        for (int s = 0; s < changes.length; s++) {
            MetricOptions seeded = MetricOptions.builder().percentiles(10).roadNoise(0.5).seed(s).build();
            changes[s] = measure("road-morf", seeded, model, x, rankingFirst(R), 16).figure("p10");
        }
        double mean = Arrays.stream(changes).average().orElseThrow();
        double sd = Math.sqrt(Arrays.stream(changes).map(c -> (c - mean) * (c - mean)).sum() / (changes.length - 1));
        // the mean of 57 draws of N(0, 0.5^2) has sd 0.5 / sqrt(57) = 0.066
        assertEquals(0.5 / Math.sqrt(57), sd, 0.015);
        assertEquals(0, mean, 0.02);
        assertEquals(measure("road-morf", o, model, x, rankingFirst(R), 16).figure("p10"),
                measure("road-morf", o, model, x, rankingFirst(R), 16).figure("p10"), "same seed, same draws");
    }

    @Test
    void batchesOfAnySizeGiveTheSameNumbersAndNeverExceedTheBatchSize() {
        float[] x = distinctImage();
        for (String metric : Metrics.names()) {
            MetricModels.BatchSizes small = new MetricModels.BatchSizes();
            MetricModels.BatchSizes large = new MetricModels.BatchSizes();
            MetricResult a = measure(metric, MetricOptions.defaults(), regionMean(R, small), Tensor.of(x, 1, SIDE, SIDE, 1),
                    mapWithTop(9, 10, 17), 3);
            MetricResult b = measure(metric, MetricOptions.defaults(), regionMean(R, large), Tensor.of(x, 1, SIDE, SIDE, 1),
                    mapWithTop(9, 10, 17), 64);
            assertEquals(a.figures().keySet(), b.figures().keySet());
            a.figures().forEach((k, v) -> assertEquals(b.figure(k), v, 1e-6, metric + " " + k));
            assertEquals(a.forwardPasses(), b.forwardPasses(), metric);
            assertEquals(a.forwardPasses(), small.seen.stream().mapToInt(Integer::intValue).sum(), metric);
            assertTrue(small.seen.stream().allMatch(n -> n <= 3), metric + " batches " + small.seen);
            assertEquals(1, large.seen.size(), metric + " runs all its inputs as one batch when they fit");
        }
    }

    @Test
    void mapsThatRankNothingAreRefusedByName() {
        Tensor x = filled(1f, 1, SIDE, SIDE, 1);
        for (String metric : Metrics.names()) {
            UndefinedMetricException none = assertThrows(UndefinedMetricException.class, () -> Metrics.byName(metric,
                    MetricOptions.defaults()).measure(new MetricInput(regionMean(R, null), x, 0,
                    map(new float[SIDE * SIDE], SIDE, SIDE, CamStatus.ZERO_GRADIENT), 16)));
            assertEquals("no-map", none.status());
            float[] flat = new float[SIDE * SIDE];
            Arrays.fill(flat, 1f);
            UndefinedMetricException f = assertThrows(UndefinedMetricException.class, () -> Metrics.byName(metric,
                    MetricOptions.defaults()).measure(new MetricInput(regionMean(R, null), x, 0,
                    map(flat, SIDE, SIDE, CamStatus.FLAT_MAP), 16)));
            assertEquals("flat-map", f.status());
        }
    }

    @Test
    void anUnknownMetricListsTheValidNames() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> Metrics.byName("deletion-auc", MetricOptions.defaults()));
        for (String name : Metrics.names()) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
        assertThrows(InvalidRequestException.class, () -> MetricOptions.builder().percentiles(0));
        assertThrows(InvalidRequestException.class, () -> MetricOptions.builder().steps(0));
        assertThrows(InvalidRequestException.class, () -> MetricOptions.Fill.parse("noise"));
    }

    @Test
    void aClassTheModelDoesNotHaveIsRefused() {
        MetricInput in = new MetricInput(regionMean(R, null), filled(1f, 1, SIDE, SIDE, 1), 3,
                map(rankingFirst(R), SIDE, SIDE), 16);
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> Metrics.byName("average-drop", null).measure(in));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }
}
