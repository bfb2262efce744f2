package io.gradcam4j.engine.train;

import io.gradcam4j.engine.Gradients;
import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Recording;

import java.util.List;
import java.util.Random;

/**
 * Mini-batch training of a classifier graph with sparse categorical cross-entropy, as Keras's
 * {@code model.fit} does: each step runs the forward pass in training mode (BatchNormalization on
 * batch statistics, updating its moving averages; Dropout drawing from the mode's random source),
 * takes the loss and its gradient, sends it back through the graph with weight gradients, and lets
 * the optimizer update the trainable weights.
 *
 * <p>The graph's output must be (N, classes): logits when {@code fromLogits}, else probabilities
 * (a final softmax; Keras's clipped formula is then used). To train a model that ends in a softmax
 * on its logits, pass {@code graph.withoutFinalActivation()}: it shares the weights.
 *
 * <p>Deterministic for a given seed: the shuffling of each epoch and the random source of each
 * step derive from it.
 */
public final class Trainer {
    private final Graph graph;
    private final Optimizer optimizer;
    private final boolean fromLogits;

    /** The outcome of one mini-batch step. */
    public record BatchResult(double loss, int correct, int size) {
    }

    /** Averages over one epoch (or one evaluation). */
    public record EpochStats(int epoch, double loss, double accuracy, int examples, double seconds) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "epoch %d: loss %.4f, accuracy %.4f (%d examples, %.1f s)",
                    epoch, loss, accuracy, examples, seconds);
        }
    }

    /** Hears about progress; both methods default to doing nothing. */
    public interface Listener {
        default void batchEnd(int epoch, int batch, int batches, BatchResult result) {
        }

        default void epochEnd(EpochStats stats) {
        }
    }

    public Trainer(Graph graph, Optimizer optimizer, boolean fromLogits) {
        if (graph.inputs().size() != 1) {
            throw new IllegalArgumentException("the trainer takes graphs with one input, this one has "
                    + graph.inputs());
        }
        this.graph = graph;
        this.optimizer = optimizer;
        this.fromLogits = fromLogits;
    }

    public Graph graph() {
        return graph;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** One optimization step on one mini-batch; {@code seed} drives Dropout. */
    public BatchResult step(Tensor batch, int[] labels, long seed) {
        Recording rec = graph.record(new Tensor[] {batch}, Mode.training(seed), List.of(), true);
        Tensor out = rec.output();
        checkOutput(out, labels.length);
        LossValue loss = CrossEntropy.sparseCategorical(labels, out, fromLogits);
        if (!Double.isFinite(loss.value())) {
            throw new IllegalStateException("the loss is " + loss.value() + " at step " + optimizer.iterations()
                    + "; lower the learning rate");
        }
        Gradients grads = new Gradients();
        rec.backward(loss.gradient(), grads);
        optimizer.step(grads);
        return new BatchResult(loss.value(), correct(out, labels), labels.length);
    }

    /**
     * Trains for {@code epochs} passes over {@code data} in shuffled mini-batches of
     * {@code batchSize} (the last one may be smaller), reporting each batch and epoch.
     *
     * @return the statistics of the last epoch (training loss and accuracy, averaged over the
     *     epoch's steps as Keras reports them)
     */
    public EpochStats fit(Examples data, int epochs, int batchSize, long seed, Listener listener) {
        return fit(data, 0, epochs, batchSize, seed, listener);
    }

    /** As {@link #fit(Examples, int, int, long, Listener)}, numbering epochs from {@code firstEpoch}. */
    public EpochStats fit(Examples data, int firstEpoch, int epochs, int batchSize, long seed, Listener listener) {
        if (batchSize < 1 || data.size() == 0) {
            throw new IllegalArgumentException("need a batch size >= 1 and some examples, got " + batchSize
                    + " and " + data.size());
        }
        Listener l = listener != null ? listener : new Listener() { };
        EpochStats last = null;
        for (int e = firstEpoch; e < firstEpoch + epochs; e++) {
            long t0 = System.nanoTime();
            int[] order = permutation(data.size(), new Random(seed * 1_000_003L + e));
            int batches = (data.size() + batchSize - 1) / batchSize;
            double lossSum = 0;
            long correct = 0;
            for (int b = 0; b < batches; b++) {
                int from = b * batchSize;
                int[] idx = java.util.Arrays.copyOfRange(order, from, Math.min(from + batchSize, order.length));
                int[] labels = labelsOf(data, idx);
                BatchResult r = step(data.batch(idx), labels, seed ^ (0x9E3779B97F4A7C15L * (optimizer.iterations() + 1)));
                lossSum += r.loss() * r.size();
                correct += r.correct();
                l.batchEnd(e, b, batches, r);
            }
            last = new EpochStats(e, lossSum / data.size(), (double) correct / data.size(), data.size(),
                    (System.nanoTime() - t0) / 1e9);
            l.epochEnd(last);
        }
        return last;
    }

    /** Loss and accuracy at inference (BatchNorm on its moving statistics, no Dropout). */
    public EpochStats evaluate(Examples data, int batchSize) {
        long t0 = System.nanoTime();
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < data.size(); from += batchSize) {
            int[] idx = new int[Math.min(batchSize, data.size() - from)];
            for (int k = 0; k < idx.length; k++) {
                idx[k] = from + k;
            }
            int[] labels = labelsOf(data, idx);
            Tensor out = graph.predict(data.batch(idx));
            checkOutput(out, labels.length);
            lossSum += CrossEntropy.sparseCategorical(labels, out, fromLogits).value() * idx.length;
            correct += correct(out, labels);
        }
        return new EpochStats(-1, lossSum / data.size(), (double) correct / data.size(), data.size(),
                (System.nanoTime() - t0) / 1e9);
    }

    private static int[] labelsOf(Examples data, int[] idx) {
        int[] labels = new int[idx.length];
        for (int k = 0; k < idx.length; k++) {
            labels[k] = data.label(idx[k]);
        }
        return labels;
    }

    private static void checkOutput(Tensor out, int n) {
        if (out.rank() != 2 || out.dim(0) != n) {
            throw new IllegalArgumentException("a classifier's output must be (" + n + ", classes), got " + out);
        }
    }

    /** Rows whose largest value is at the label (the first maximum wins ties, as argmax). */
    static int correct(Tensor out, int[] labels) {
        int c = out.dim(1);
        float[] d = out.data();
        int ok = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int j = 1; j < c; j++) {
                if (d[i * c + j] > d[i * c + best]) {
                    best = j;
                }
            }
            if (best == labels[i]) {
                ok++;
            }
        }
        return ok;
    }

    private static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
