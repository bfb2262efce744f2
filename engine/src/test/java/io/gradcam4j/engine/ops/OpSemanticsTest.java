package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.GradientCheck;
import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the finite-difference check cannot see: behaviour at ties and borders, random masks,
 * side effects on moving statistics, exact layouts and error messages. Expected values are
 * worked out by hand in the comments.
 */
class OpSemanticsTest {
    private static final int[] P2 = {2, 2};

    private static Tensor t(float[] data, int... shape) {
        return Tensor.of(data, shape);
    }

    private static Tensor[] backward(Step step, Tensor dy) {
        return step.backward().apply(dy, null);
    }

    private static Tensor ones(int... shape) {
        Tensor o = Tensor.zeros(shape);
        Arrays.fill(o.data(), 1f);
        return o;
    }

    // ---- pooling ---------------------------------------------------------------------------------

    @Test
    void globalMaxPoolSharesTheGradientAmongTiedMaxima() {
        // channel 0: 3 at two pixels; channel 1: 5 at three pixels; channel 2: a single maximum
        Tensor x = t(new float[] {
            3, 5, 0,
            1, 5, 9,
            3, 5, 2,
            2, 4, 1}, 1, 2, 2, 3);
        Step step = new GlobalPool2D(GlobalPool2D.Kind.MAX, false).forward(new Tensor[] {x}, Mode.INFERENCE);
        assertArrayEquals(new float[] {3, 5, 9}, step.output().data());
        Tensor dx = backward(step, t(new float[] {1, 3, 2}, 1, 3))[0];
        assertArrayEquals(new float[] {
            0.5f, 1, 0,
            0, 1, 2,
            0.5f, 1, 0,
            0, 0, 0}, dx.data(), 1e-7f);
    }

    @Test
    void maxPoolSameNeverPicksAPaddedCell() {
        // 3x3 of negatives, 2x2 windows with stride 2, same: one padding row/column at the bottom/right.
        // If the padding counted as 0 it would win every border window.
        Tensor x = t(new float[] {-1, -2, -3, -4, -5, -6, -7, -8, -9}, 1, 3, 3, 1);
        Step step = new MaxPool2D(P2, P2, Padding.SAME).forward(new Tensor[] {x}, Mode.INFERENCE);
        assertArrayEquals(new int[] {1, 2, 2, 1}, step.output().shape());
        assertArrayEquals(new float[] {-1, -3, -7, -9}, step.output().data());
        // the gradient goes to the winning cells
        Tensor dx = backward(step, t(new float[] {1, 2, 3, 4}, 1, 2, 2, 1))[0];
        assertArrayEquals(new float[] {1, 0, 2, 0, 0, 0, 3, 0, 4}, dx.data());

        // 3x3 windows, stride 1: padding on all sides
        Step s3 = new MaxPool2D(new int[] {3, 3}, new int[] {1, 1}, Padding.SAME)
                .forward(new Tensor[] {x}, Mode.INFERENCE);
        assertArrayEquals(new float[] {-1, -1, -2, -1, -1, -2, -4, -4, -5}, s3.output().data());
    }

    @Test
    void averagePoolSameDividesBorderWindowsByTheirValidCells() {
        // 1..9 in a 3x3, 2x2 windows stride 2 same (padding at the bottom/right):
        // (1+2+4+5)/4 = 3, (3+6)/2 = 4.5, (7+8)/2 = 7.5, 9/1 = 9
        Tensor x = t(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 3, 3, 1);
        Step step = new AvgPool2D(P2, P2, Padding.SAME).forward(new Tensor[] {x}, Mode.INFERENCE);
        assertArrayEquals(new float[] {3, 4.5f, 7.5f, 9}, step.output().data(), 1e-6f);
        // the gradient divides by the same counts
        Tensor dx = backward(step, ones(1, 2, 2, 1))[0];
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.5f, 0.25f, 0.25f, 0.5f, 0.5f, 0.5f, 1f}, dx.data(), 1e-7f);

        // 3x3 windows stride 1 same: corner 4 cells, edge 6, centre 9
        Step s3 = new AvgPool2D(new int[] {3, 3}, new int[] {1, 1}, Padding.SAME)
                .forward(new Tensor[] {x}, Mode.INFERENCE);
        float[] y = s3.output().data();
        assertEquals((1 + 2 + 4 + 5) / 4f, y[0], 1e-6);
        assertEquals((1 + 2 + 3 + 4 + 5 + 6) / 6f, y[1], 1e-6);
        assertEquals(5f, y[4], 1e-6);
        assertEquals((5 + 6 + 8 + 9) / 4f, y[8], 1e-6);
    }

    // ---- dropout ---------------------------------------------------------------------------------

    @Test
    void dropoutAtInferenceIsTheIdentity() {
        Tensor x = GradientCheck.random(new Random(1), -1f, 1f, 2, 3, 3, 4);
        float[] before = x.data().clone();
        for (boolean spatial : new boolean[] {false, true}) {
            Step step = new Dropout(0.5f, spatial).forward(new Tensor[] {x}, Mode.INFERENCE);
            assertArrayEquals(before, step.output().data());
            Tensor dy = GradientCheck.random(new Random(2), -1f, 1f, 2, 3, 3, 4);
            assertArrayEquals(dy.data(), backward(step, dy)[0].data());
        }
        assertArrayEquals(before, x.data(), "the input is not modified");
    }

    @Test
    void dropoutInTrainingKeepsOneMinusRateScaledUp() {
        float rate = 0.3f;
        int n = 100_000;
        Tensor x = ones(n);
        Step step = new Dropout(rate, false).forward(new Tensor[] {x}, Mode.training(17));
        float[] y = step.output().data();
        double scale = 1.0 / (1.0 - rate);
        int kept = 0;
        double sum = 0;
        for (float v : y) {
            if (v != 0f) {
                kept++;
                assertEquals(scale, v, 1e-6 * scale, "a kept value is scaled by 1/(1-rate)");
            }
            sum += v;
        }
        // binomial(n, 0.7): standard deviation sqrt(n p (1-p)) ~ 145; allow 5 of them
        double sd = Math.sqrt(n * rate * (1 - rate));
        assertEquals(n * (1 - rate), kept, 5 * sd, "number of kept values");
        assertEquals(1.0, sum / n, 5 * scale * sd / n, "the expected output equals the input");
        // the gradient uses the same mask
        float[] dx = backward(step, ones(n))[0].data();
        assertArrayEquals(y, dx);
    }

    @Test
    void spatialDropoutDropsWholeChannels() {
        int batch = 3;
        int pixels = 4 * 5;
        int channels = 32;
        Tensor x = ones(batch, 4, 5, channels);
        float[] y = new Dropout(0.5f, true).forward(new Tensor[] {x}, Mode.training(3)).output().data();
        int droppedMaps = 0;
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < channels; c++) {
                float first = y[(b * pixels) * channels + c];
                for (int p = 0; p < pixels; p++) {
                    assertEquals(first, y[(b * pixels + p) * channels + c], "image " + b + " channel " + c);
                }
                assertTrue(first == 0f || first == 2f, "kept channels are scaled by 2, got " + first);
                droppedMaps += first == 0f ? 1 : 0;
            }
        }
        // 96 maps at rate 0.5: binomial sd ~ 4.9; a mask that ignored the rate would miss this window
        assertEquals(48, droppedMaps, 25);
    }

    // ---- batch normalization ---------------------------------------------------------------------

    @Test
    void batchNormTrainingUsesBatchStatisticsAndUpdatesMovingAverages() {
        int c = 3;
        Random r = new Random(9);
        Tensor x = GradientCheck.random(r, -2f, 3f, 2, 2, 2, c);
        float[] gamma = {0.5f, 1.5f, -1f};
        float[] beta = {0.1f, 0f, -0.3f};
        float[] oldMean = {0.2f, -0.1f, 1f};
        float[] oldVar = {1f, 2f, 0.5f};
        Param movingMean = new Param("moving_mean", t(oldMean.clone(), c), false);
        Param movingVar = new Param("moving_variance", t(oldVar.clone(), c), false);
        float eps = 1e-3f;
        float momentum = 0.9f;
        BatchNorm bn = new BatchNorm(new Param("gamma", t(gamma, c), true), new Param("beta", t(beta, c), true),
                movingMean, movingVar, eps, momentum);
        Tensor y = bn.forward(new Tensor[] {x}, Mode.training(0)).output();

        int count = x.size() / c;
        for (int j = 0; j < c; j++) {
            double mean = 0;
            for (int i = j; i < x.size(); i += c) {
                mean += x.data()[i];
            }
            mean /= count;
            double var = 0;   // biased: divided by the count, not count - 1
            for (int i = j; i < x.size(); i += c) {
                var += (x.data()[i] - mean) * (x.data()[i] - mean);
            }
            var /= count;
            assertEquals(oldMean[j] * 0.9 + mean * 0.1, movingMean.value().data()[j], 1e-5, "moving_mean " + j);
            assertEquals(oldVar[j] * 0.9 + var * 0.1, movingVar.value().data()[j], 1e-5, "moving_variance " + j);
            for (int i = j; i < x.size(); i += c) {
                double expected = (x.data()[i] - mean) / Math.sqrt(var + eps) * gamma[j] + beta[j];
                assertEquals(expected, y.data()[i], 1e-5, "output " + i);
            }
        }

        // inference leaves the moving statistics alone
        float[] afterTraining = movingMean.value().data().clone();
        bn.forward(new Tensor[] {x}, Mode.INFERENCE);
        assertArrayEquals(afterTraining, movingMean.value().data());
    }

    // ---- ReLU ------------------------------------------------------------------------------------

    @Test
    void reluWithAllArgumentsFollowsKeras() {
        // max_value 6, negative_slope 0.1, threshold 0.5:
        // x > 0.5 -> min(x, 6); x <= 0.5 -> 0.1 * (x - 0.5)
        float[] x = {-2f, 0f, 0.3f, 0.5f, 0.6f, 1f, 5.9f, 6f, 7f, 100f};
        float[] want = {-0.25f, -0.05f, -0.02f, 0f, 0.6f, 1f, 5.9f, 6f, 6f, 6f};
        assertArrayEquals(want, new Relu(6f, 0.1f, 0.5f).apply(t(x, x.length)).data(), 1e-6f);

        float[] plain = {0, 0, 0.3f, 0.5f, 0.6f, 1, 5.9f, 6, 7, 100};
        assertArrayEquals(plain, Relu.plain().apply(t(x, x.length)).data());
        float[] six = {0, 0, 0.3f, 0.5f, 0.6f, 1, 5.9f, 6, 6, 6};
        assertArrayEquals(six, Relu.relu6().apply(t(x, x.length)).data());
        float[] leaky = {-0.6f, 0, 0.3f, 0.5f, 0.6f, 1, 5.9f, 6, 7, 100};
        assertArrayEquals(leaky, Relu.leaky(0.3f).apply(t(x, x.length)).data(), 1e-6f);
    }

    @Test
    void reluDerivativeAwayFromTheKinks() {
        // slope 0.1 below the threshold, 1 between the threshold and max_value, 0 above max_value
        float[] x = {-2f, 0.3f, 1f, 5f, 7f};
        Step step = new Relu(6f, 0.1f, 0.5f).forward(new Tensor[] {t(x, 5)}, Mode.INFERENCE);
        assertArrayEquals(new float[] {0.1f, 0.1f, 1f, 1f, 0f}, backward(step, ones(5))[0].data(), 1e-7f);
    }

    // ---- layout ops ------------------------------------------------------------------------------

    @Test
    void concatenateLastAxisInterleavesChannels() {
        Tensor a = t(new float[] {1, 2, 3, 4}, 1, 2, 2, 1);
        Tensor b = t(new float[] {10, 11, 12, 13, 14, 15, 16, 17}, 1, 2, 2, 2);
        for (int axis : new int[] {-1, 3}) {
            Tensor y = new Concatenate(axis).forward(new Tensor[] {a, b}, Mode.INFERENCE).output();
            assertArrayEquals(new int[] {1, 2, 2, 3}, y.shape());
            assertArrayEquals(new float[] {1, 10, 11, 2, 12, 13, 3, 14, 15, 4, 16, 17}, y.data());
        }
    }

    @Test
    void concatenateAxis1StacksRowsPerImage() {
        Tensor a = t(new float[] {1, 2, 3, 4}, 2, 1, 2, 1);
        Tensor b = t(new float[] {10, 11, 12, 13, 14, 15, 16, 17}, 2, 2, 2, 1);
        Tensor y = new Concatenate(1).forward(new Tensor[] {a, b}, Mode.INFERENCE).output();
        assertArrayEquals(new int[] {2, 3, 2, 1}, y.shape());
        assertArrayEquals(new float[] {1, 2, 10, 11, 12, 13, 3, 4, 14, 15, 16, 17}, y.data());
    }

    @Test
    void concatenateAxis2JoinsColumnsPerRow() {
        Tensor a = t(new float[] {1, 2, 3, 4}, 2, 2, 1, 1);
        Tensor b = t(new float[] {10, 11, 12, 13, 14, 15, 16, 17}, 2, 2, 2, 1);
        Tensor y = new Concatenate(2).forward(new Tensor[] {a, b}, Mode.INFERENCE).output();
        assertArrayEquals(new int[] {2, 2, 3, 1}, y.shape());
        assertArrayEquals(new float[] {1, 10, 11, 2, 12, 13, 3, 14, 15, 4, 16, 17}, y.data());
    }

    @Test
    void concatenateRefusesTheBatchAxisAndMismatchedShapes() {
        Tensor a = Tensor.zeros(2, 2, 1, 1);
        assertThrows(IllegalArgumentException.class,
                () -> new Concatenate(0).forward(new Tensor[] {a, a}, Mode.INFERENCE));
        Tensor b = Tensor.zeros(2, 3, 2, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Concatenate(-1).forward(new Tensor[] {a, b}, Mode.INFERENCE));
        assertMentions(e, "[2, 2, 1, 1]", "[2, 3, 2, 1]");
    }

    @Test
    void reshapeFillsInMinusOneAndKeepsRowMajorOrder() {
        float[] data = new float[24];
        for (int i = 0; i < data.length; i++) {
            data[i] = i;
        }
        Tensor x = t(data, 2, 3, 4);
        Tensor y = new Reshape(4, -1).apply(x);
        assertArrayEquals(new int[] {2, 4, 3}, y.shape());
        assertArrayEquals(data, y.data());
        assertArrayEquals(new int[] {2, 12}, Reshape.flatten().apply(x).shape());
        assertArrayEquals(new int[] {2, 2, 3, 2}, new Reshape(-1, 3, 2).apply(x).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Reshape(5, -1).apply(x));
        assertMentions(e, "[2, 3, 4]", "[5, -1]");
        assertThrows(IllegalArgumentException.class, () -> new Reshape(-1, -1));
    }

    // ---- error messages --------------------------------------------------------------------------

    @Test
    void addOfMismatchedShapesNamesBothShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Add().forward(new Tensor[] {Tensor.zeros(2, 3), Tensor.zeros(2, 4)}, Mode.INFERENCE));
        assertMentions(e, "[2, 3]", "[2, 4]");
    }

    @Test
    void conv2dWithWrongChannelCountNamesBothShapes() {
        Op conv = new Conv2D(new Param("kernel", Tensor.zeros(3, 3, 3, 4), true), new int[] {1, 1},
                new int[] {1, 1}, Padding.SAME);
        Tensor x = Tensor.zeros(1, 5, 5, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> conv.apply(x));
        assertMentions(e, "[3, 3, 3, 4]", "[1, 5, 5, 2]");

        // in a graph the message also names the layer
        Graph.Builder b = Graph.builder();
        Node in = b.input("image");
        Graph g = b.build(b.add("block1_conv", conv, in));
        // typed as the caller's mistake, so that callers need not read the message
        io.gradcam4j.engine.errors.InvalidRequestException typed = assertThrows(
                io.gradcam4j.engine.errors.InvalidRequestException.class, () -> g.predict(x));
        assertMentions(typed, "block1_conv", "[3, 3, 3, 4]", "[1, 5, 5, 2]");
    }

    private static void assertMentions(RuntimeException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message should mention " + p + ": " + e.getMessage());
        }
    }
}
