package io.gradcam4j.engine.train;

import io.gradcam4j.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Cross-entropy losses: values against the textbook formulas written here in double precision,
 * gradients against central differences of the loss value (which is itself a double).
 */
class CrossEntropyTest {
    private final Random random = new Random(5);

    // ---- values ----------------------------------------------------------------------------------

    @Test
    void uniformLogitsCostLogC() {
        for (int c : new int[] {2, 3, 10, 1000}) {
            Tensor logits = Tensor.of(filled(2 * c, 0.37f), 2, c);
            float[] oneHot = new float[2 * c];
            oneHot[1] = 1f;
            oneHot[c + c - 1] = 1f;
            assertEquals(Math.log(c), CrossEntropy.categorical(Tensor.of(oneHot, 2, c), logits, true).value(), 1e-9);
            assertEquals(Math.log(c), CrossEntropy.sparseCategorical(new int[] {0, c - 1}, logits, true).value(), 1e-9);
            Tensor uniform = Tensor.of(filled(2 * c, 1f / c), 2, c);
            assertEquals(Math.log(c), CrossEntropy.sparseCategorical(new int[] {0, c - 1}, uniform, false).value(), 1e-6);
        }
    }

    @Test
    void categoricalFromLogitsIsMinusTargetDotLogSoftmaxAveragedOverTheBatch() {
        Tensor logits = rand(-3f, 3f, 3, 4);
        Tensor soft = softLabels(3, 4);
        assertEquals(textbookFromLogits(soft, logits), CrossEntropy.categorical(soft, logits, true).value(), 1e-6);
    }

    @Test
    void sparseFromLogitsIsMinusLogSoftmaxOfTheLabel() {
        Tensor logits = rand(-3f, 3f, 3, 5);
        int[] labels = {4, 0, 2};
        double expected = 0;
        for (int i = 0; i < 3; i++) {
            double sumExp = 0;
            for (int j = 0; j < 5; j++) {
                sumExp += Math.exp(at(logits, i, j));
            }
            expected += -(at(logits, i, labels[i]) - Math.log(sumExp)) / 3;
        }
        assertEquals(expected, CrossEntropy.sparseCategorical(labels, logits, true).value(), 1e-6);
    }

    @Test
    void categoricalFromProbabilitiesRenormalizesRowsFirst() {
        // Keras: p / sum(p), clipped to [1e-7, 1 - 1e-7], then -sum(t log p). Rows here do not sum to 1.
        Tensor p = rand(0.05f, 0.9f, 3, 4);
        Tensor soft = softLabels(3, 4);
        double expected = 0;
        for (int i = 0; i < 3; i++) {
            double sum = 0;
            for (int j = 0; j < 4; j++) {
                sum += at(p, i, j);
            }
            for (int j = 0; j < 4; j++) {
                expected -= at(soft, i, j) * Math.log(at(p, i, j) / sum) / 3;
            }
        }
        assertEquals(expected, CrossEntropy.categorical(soft, p, false).value(), 1e-6);
    }

    @Test
    void sparseFromProbabilitiesIsMinusLogOfTheNormalizedLabelProbability() {
        Tensor p = rand(0.05f, 0.9f, 3, 4);
        int[] labels = {1, 3, 0};
        double expected = 0;
        for (int i = 0; i < 3; i++) {
            double sum = 0;
            for (int j = 0; j < 4; j++) {
                sum += at(p, i, j);
            }
            expected -= Math.log(at(p, i, labels[i]) / sum) / 3;
        }
        assertEquals(expected, CrossEntropy.sparseCategorical(labels, p, false).value(), 1e-6);
    }

    @Test
    void aZeroProbabilityIsClippedToEpsilonNotInfinity() {
        Tensor p = Tensor.of(new float[] {0f, 1f, 0f}, 1, 3);
        double expected = -Math.log(1e-7);
        assertEquals(expected, CrossEntropy.sparseCategorical(new int[] {0}, p, false).value(), 1e-5 * expected);
        Tensor t = Tensor.of(new float[] {1f, 0f, 0f}, 1, 3);
        LossValue l = CrossEntropy.categorical(t, p, false);
        assertEquals(expected, l.value(), 1e-5 * expected);
        assertAllFinite(l.gradient());
    }

    @Test
    void hugeLogitsStayFinite() {
        Tensor logits = Tensor.of(new float[] {1e4f, 0f, -1e4f, -1e4f, 1e4f, 1e4f}, 2, 3);
        // row 0, label 1: -log softmax = 1e4 - 0 + log(1 + e^-1e4 + e^-2e4) = 1e4
        // row 1, label 2: two equal maxima, -log(1/2)
        double expected = (1e4 + Math.log(2)) / 2;
        LossValue sparse = CrossEntropy.sparseCategorical(new int[] {1, 2}, logits, true);
        assertEquals(expected, sparse.value(), 1e-9 * expected);
        assertAllFinite(sparse.gradient());
        // gradient = (softmax - onehot) / N
        float[] g = sparse.gradient().data();
        float[] want = {0.5f, -0.5f, 0f, 0f, 0.25f, -0.25f};
        for (int i = 0; i < g.length; i++) {
            assertEquals(want[i], g[i], 1e-6, "gradient element " + i);
        }
        LossValue cat = CrossEntropy.categorical(Tensor.of(new float[] {0, 1, 0, 0, 0, 1}, 2, 3), logits, true);
        assertEquals(expected, cat.value(), 1e-9 * expected);
        assertAllFinite(cat.gradient());
    }

    @Test
    void labelsOutsideTheClassRangeAreRejected() {
        Tensor logits = rand(-1f, 1f, 2, 3);
        for (int bad : new int[] {-1, 3}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CrossEntropy.sparseCategorical(new int[] {0, bad}, logits, true));
            assertTrue(e.getMessage().contains(Integer.toString(bad)), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> CrossEntropy.sparseCategorical(new int[] {bad, 0}, logits, false));
        }
        assertThrows(IllegalArgumentException.class,
                () -> CrossEntropy.sparseCategorical(new int[] {0}, logits, true), "one label for two rows");
    }

    // ---- gradients -------------------------------------------------------------------------------

    @Test
    void categoricalFromLogitsGradientWithSoftLabels() {
        Tensor soft = softLabels(3, 5);
        checkGradient(z -> CrossEntropy.categorical(soft, z, true), rand(-3f, 3f, 3, 5));
    }

    @Test
    void categoricalFromLogitsGradientWithTargetsNotSummingToOne() {
        // softmax * sum(t) - t: the sum matters when targets are not a distribution
        Tensor t = rand(0f, 1f, 2, 4);
        checkGradient(z -> CrossEntropy.categorical(t, z, true), rand(-2f, 2f, 2, 4));
    }

    @Test
    void categoricalFromProbabilitiesGradientWithSoftLabels() {
        Tensor soft = softLabels(3, 4);
        checkGradient(p -> CrossEntropy.categorical(soft, p, false), rand(0.05f, 0.9f, 3, 4));
    }

    @Test
    void categoricalFromProbabilitiesGradientWhereAValueIsClipped() {
        // 1e-9 normalizes to below 1e-7: its log term is constant, but it still enters the row sum
        Tensor p = Tensor.of(new float[] {1e-9f, 0.3f, 0.5f, 0.2f, 0.4f, 1e-9f}, 2, 3);
        Tensor t = Tensor.of(new float[] {0.5f, 0.25f, 0.25f, 0.2f, 0.2f, 0.6f}, 2, 3);
        checkGradient(x -> CrossEntropy.categorical(t, x, false), p);
    }

    @Test
    void sparseFromLogitsGradient() {
        checkGradient(z -> CrossEntropy.sparseCategorical(new int[] {2, 0, 4}, z, true), rand(-3f, 3f, 3, 5));
    }

    @Test
    void sparseFromProbabilitiesGradient() {
        checkGradient(p -> CrossEntropy.sparseCategorical(new int[] {3, 1}, p, false), rand(0.05f, 0.9f, 2, 4));
    }

    /**
     * Compares the returned gradient with (L(x + h e_i) - L(x - h e_i)) / (actual step) for every
     * element, h scaled to stay within a small value's neighbourhood (no clip boundary is crossed).
     */
    private static void checkGradient(Function<Tensor, LossValue> loss, Tensor x) {
        Tensor analytic = loss.apply(x).gradient().copy();
        float[] v = x.data();
        double largest = 0;
        double[] numeric = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            float saved = v[i];
            double h = Math.min(1e-3, Math.abs(saved) * 0.5);
            v[i] = (float) (saved + h);
            float up = v[i];
            double plus = loss.apply(x).value();
            v[i] = (float) (saved - h);
            float down = v[i];
            double minus = loss.apply(x).value();
            v[i] = saved;
            numeric[i] = (plus - minus) / ((double) up - down);
            largest = Math.max(largest, Math.abs(numeric[i]));
        }
        for (int i = 0; i < v.length; i++) {
            double a = analytic.data()[i];
            if (Math.abs(a - numeric[i]) > 1e-4 * Math.max(largest, 1e-3)) {
                fail(String.format("element %d: finite difference %.7g, gradient %.7g", i, numeric[i], a));
            }
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static double textbookFromLogits(Tensor t, Tensor z) {
        int n = z.dim(0);
        int c = z.dim(1);
        double total = 0;
        for (int i = 0; i < n; i++) {
            double sumExp = 0;
            for (int j = 0; j < c; j++) {
                sumExp += Math.exp(at(z, i, j));
            }
            for (int j = 0; j < c; j++) {
                total -= at(t, i, j) * (at(z, i, j) - Math.log(sumExp));
            }
        }
        return total / n;
    }

    private static double at(Tensor t, int row, int col) {
        return t.data()[row * t.dim(1) + col];
    }

    /** Random rows that sum to 1. */
    private Tensor softLabels(int n, int c) {
        Tensor t = rand(0.1f, 1f, n, c);
        float[] d = t.data();
        for (int i = 0; i < n; i++) {
            float s = 0;
            for (int j = 0; j < c; j++) {
                s += d[i * c + j];
            }
            for (int j = 0; j < c; j++) {
                d[i * c + j] /= s;
            }
        }
        return t;
    }

    private Tensor rand(float lo, float hi, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = lo + (hi - lo) * random.nextFloat();
        }
        return t;
    }

    private static float[] filled(int size, float value) {
        float[] v = new float[size];
        java.util.Arrays.fill(v, value);
        return v;
    }

    private static void assertAllFinite(Tensor t) {
        for (float v : t.data()) {
            assertTrue(Float.isFinite(v), "non-finite gradient value " + v);
        }
    }
}
