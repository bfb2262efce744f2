package io.gradcam4j.engine.train;

import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;
import io.gradcam4j.engine.ops.BatchNorm;
import io.gradcam4j.engine.ops.BiasAdd;
import io.gradcam4j.engine.ops.Chain;
import io.gradcam4j.engine.ops.Conv2D;
import io.gradcam4j.engine.ops.Dropout;
import io.gradcam4j.engine.ops.GlobalPool2D;
import io.gradcam4j.engine.ops.MatMul;
import io.gradcam4j.engine.ops.MaxPool2D;
import io.gradcam4j.engine.ops.Relu;
import io.gradcam4j.engine.ops.Softmax;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {

    private static Param uniform(String name, Random r, float limit, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (r.nextFloat() * 2 - 1) * limit;
        }
        return new Param(name, t, true);
    }

    private static Param filled(String name, float v, boolean trainable, int n) {
        float[] d = new float[n];
        java.util.Arrays.fill(d, v);
        return new Param(name, Tensor.of(d, n), trainable);
    }

    /** Three Gaussian clusters in 2-D, far enough apart to be separated by lines. */
    private static Examples clusters(int n, long seed) {
        Random r = new Random(seed);
        float[][] centres = {{-2f, -2f}, {2f, -1f}, {0f, 2.5f}};
        float[] x = new float[n * 2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            x[2 * i] = centres[y[i]][0] + (float) r.nextGaussian() * 0.4f;
            x[2 * i + 1] = centres[y[i]][1] + (float) r.nextGaussian() * 0.4f;
        }
        return Examples.of(Tensor.of(x, n, 2), y);
    }

    @Test
    void aLinearlySeparableProblemIsLearnedPerfectly() {
        Random r = new Random(1);
        Graph.Builder b = Graph.builder();
        Node in = b.input("x");
        Node dense = b.add("dense", Chain.of(new MatMul(uniform("kernel", r, 0.5f, 2, 3)),
                new BiasAdd(filled("bias", 0f, true, 3)), new Softmax()), in);
        Graph graph = b.build(dense);
        Examples train = clusters(150, 2);
        // Keras-style: the model ends in a softmax, the loss is taken from its probabilities.
        Trainer trainer = new Trainer(graph, new Sgd(0.5f, 0.9f, true), false);
        List<Trainer.EpochStats> epochs = new ArrayList<>();
        trainer.fit(train, 20, 16, 7, new Trainer.Listener() {
            @Override
            public void epochEnd(Trainer.EpochStats stats) {
                epochs.add(stats);
            }
        });
        assertEquals(20, epochs.size());
        assertTrue(epochs.get(19).loss() < epochs.get(0).loss(), "loss went down: " + epochs);
        assertEquals(1.0, trainer.evaluate(clusters(300, 3), 64).accuracy(), "held-out accuracy");
    }

    @Test
    void logitsAndAdamReachTheSameGoal() {
        Random r = new Random(4);
        Graph.Builder b = Graph.builder();
        Node in = b.input("x");
        Node dense = b.add("dense", Chain.of(new MatMul(uniform("kernel", r, 0.5f, 2, 3)),
                new BiasAdd(filled("bias", 0f, true, 3))), in);
        Trainer trainer = new Trainer(b.build(dense), new Adam(0.05), true);
        trainer.fit(clusters(150, 5), 15, 10, 3, null);
        Trainer.EpochStats eval = trainer.evaluate(clusters(300, 6), 100);
        assertEquals(1.0, eval.accuracy());
        assertTrue(eval.loss() < 0.1, "loss " + eval.loss());
    }

    /** 8x8 one-channel images: a bright 3x3 blob in the top half (class 0) or the bottom half (class 1). */
    private static Examples blobs(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * 64];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(2);
            for (int p = 0; p < 64; p++) {
                x[i * 64 + p] = (float) r.nextGaussian() * 0.3f;
            }
            int top = y[i] == 0 ? r.nextInt(2) : 4 + r.nextInt(2);
            int left = r.nextInt(6);
            for (int dy = 0; dy < 3; dy++) {
                for (int dx = 0; dx < 3; dx++) {
                    x[i * 64 + (top + dy) * 8 + left + dx] += 1f;
                }
            }
        }
        return Examples.of(Tensor.of(x, n, 8, 8, 1), y);
    }

    @Test
    void lossDecreasesOnASmallCnnAndBatchNormStatisticsMove() {
        Random r = new Random(9);
        Param mean = filled("moving_mean", 0f, false, 4);
        Param variance = filled("moving_variance", 1f, false, 4);
        Graph.Builder b = Graph.builder();
        Node in = b.input("image");
        Node conv = b.add("conv1", new Conv2D(uniform("kernel", r, 0.8f, 3, 3, 1, 4), new int[] {1, 1},
                new int[] {1, 1}, Padding.SAME), in);
        Node bn = b.add("conv1_bn", new BatchNorm(filled("gamma", 1f, true, 4), filled("beta", 0f, true, 4), mean,
                variance, 1e-3f, 0.9f), conv);
        Node relu = b.add("conv1_relu", Relu.plain(), bn);
        Node pool = b.add("pool1", new MaxPool2D(new int[] {2, 2}, new int[] {2, 2}, Padding.VALID), relu);
        Node conv2 = b.add("conv2", Chain.of(new Conv2D(uniform("kernel", r, 0.4f, 3, 3, 4, 6), new int[] {1, 1},
                new int[] {1, 1}, Padding.SAME), new BiasAdd(filled("bias", 0f, true, 6)), Relu.plain()), pool);
        Node drop = b.add("dropout", new Dropout(0.1f, false), conv2);
        Node gap = b.add("gap", new GlobalPool2D(GlobalPool2D.Kind.AVERAGE, false), drop);
        Node logits = b.add("predictions", Chain.of(new MatMul(uniform("kernel", r, 0.5f, 6, 2)),
                new BiasAdd(filled("bias", 0f, true, 2))), gap);
        Graph graph = b.build(logits);

        Examples train = blobs(96, 10);
        Trainer trainer = new Trainer(graph, new Adam(0.01), true);
        double before = trainer.evaluate(train, 32).loss();
        List<Double> losses = new ArrayList<>();
        trainer.fit(train, 8, 16, 11, new Trainer.Listener() {
            @Override
            public void epochEnd(Trainer.EpochStats stats) {
                losses.add(stats.loss());
            }
        });
        double after = trainer.evaluate(train, 32).loss();
        assertTrue(losses.get(losses.size() - 1) < losses.get(0), "epoch losses " + losses);
        assertTrue(after < 0.7 * before, "inference loss " + before + " -> " + after);
        assertNotEquals(0f, mean.value().data()[0], "BatchNorm moving mean updated in training mode");
        assertTrue(trainer.evaluate(blobs(100, 12), 50).accuracy() > 0.8);
    }

    @Test
    void trainingIsDeterministicForASeed() {
        float[][] results = new float[2][];
        for (int run = 0; run < 2; run++) {
            Random r = new Random(4);
            Graph.Builder b = Graph.builder();
            Node in = b.input("x");
            Param kernel = uniform("kernel", r, 0.5f, 2, 3);
            Node d = b.add("dense", Chain.of(new MatMul(kernel), new Dropout(0.3f, false)), in);
            new Trainer(b.build(d), new Adam(0.01), true).fit(clusters(40, 5), 2, 8, 99, null);
            results[run] = kernel.value().data().clone();
        }
        assertArrayEquals(results[0], results[1]);
    }
}
