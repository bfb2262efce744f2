package io.gradcam4j.engine.train;

import io.gradcam4j.engine.Tensor;

/**
 * Keras's categorical and sparse categorical cross-entropy, averaged over the batch (Keras's
 * default reduction), from logits or from probabilities.
 *
 * <p>From probabilities, Keras's categorical loss first renormalizes each row to sum 1, then clips
 * it to {@code [1e-7, 1 - 1e-7]}; its sparse loss clips first and uses the log of the clipped
 * values as logits, which renormalizes after clipping. The gradients follow those steps (zero
 * where clipped). From logits the log-softmax is computed stably and the gradient is
 * {@code softmax * sum(t) - t}.
 */
public final class CrossEntropy {
    /** Keras's backend epsilon. */
    public static final double EPSILON = 1e-7;

    private CrossEntropy() {
    }

    /** @param targets (N, C) one-hot or soft labels; @param predictions (N, C) */
    public static LossValue categorical(Tensor targets, Tensor predictions, boolean fromLogits) {
        targets.requireShape(predictions.shape(), "categorical cross-entropy targets");
        predictions.requireRank(2, "categorical cross-entropy");
        return fromLogits ? fromLogits(targets.data(), predictions) : fromProbabilities(targets.data(), predictions);
    }

    /** @param labels class index per row; @param predictions (N, C) */
    public static LossValue sparseCategorical(int[] labels, Tensor predictions, boolean fromLogits) {
        predictions.requireRank(2, "sparse categorical cross-entropy");
        int n = predictions.dim(0);
        int c = predictions.dim(1);
        if (labels.length != n) {
            throw new IllegalArgumentException(labels.length + " labels for " + n + " predictions");
        }
        float[] oneHot = new float[n * c];
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= c) {
                throw new IllegalArgumentException("label " + labels[i] + " is outside [0, " + c + ")");
            }
            oneHot[i * c + labels[i]] = 1f;
        }
        return fromLogits ? fromLogits(oneHot, predictions) : sparseFromProbabilities(labels, predictions);
    }

    private static LossValue fromLogits(float[] t, Tensor logits) {
        int n = logits.dim(0);
        int c = logits.dim(1);
        float[] z = logits.data();
        Tensor grad = Tensor.zerosLike(logits);
        float[] g = grad.data();
        double total = 0;
        for (int i = 0; i < n; i++) {
            int off = i * c;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, z[off + j]);
            }
            double sumExp = 0;
            for (int j = 0; j < c; j++) {
                sumExp += Math.exp(z[off + j] - max);
            }
            double logSum = max + Math.log(sumExp);
            double sumT = 0;
            for (int j = 0; j < c; j++) {
                total -= t[off + j] * (z[off + j] - logSum);
                sumT += t[off + j];
            }
            for (int j = 0; j < c; j++) {
                double p = Math.exp(z[off + j] - logSum);
                g[off + j] = (float) ((p * sumT - t[off + j]) / n);
            }
        }
        return new LossValue(total / n, grad);
    }

    /** Keras's TF backend: L = -log(clip(p_y)) + log(sum_j clip(p_j)). */
    private static LossValue sparseFromProbabilities(int[] labels, Tensor probabilities) {
        int n = probabilities.dim(0);
        int c = probabilities.dim(1);
        float[] p = probabilities.data();
        Tensor grad = Tensor.zerosLike(probabilities);
        float[] g = grad.data();
        double total = 0;
        for (int i = 0; i < n; i++) {
            int off = i * c;
            double sum = 0;
            for (int j = 0; j < c; j++) {
                sum += clip(p[off + j]);
            }
            total += Math.log(sum) - Math.log(clip(p[off + labels[i]]));
            for (int j = 0; j < c; j++) {
                boolean inside = p[off + j] >= EPSILON && p[off + j] <= 1 - EPSILON;
                double d = 1 / sum - (j == labels[i] ? 1 / clip(p[off + j]) : 0);
                g[off + j] = inside ? (float) (d / n) : 0f;
            }
        }
        return new LossValue(total / n, grad);
    }

    private static double clip(double v) {
        return Math.min(Math.max(v, EPSILON), 1 - EPSILON);
    }

    private static LossValue fromProbabilities(float[] t, Tensor probabilities) {
        int n = probabilities.dim(0);
        int c = probabilities.dim(1);
        float[] p = probabilities.data();
        Tensor grad = Tensor.zerosLike(probabilities);
        float[] g = grad.data();
        double total = 0;
        double[] dNormalized = new double[c];
        double[] normalized = new double[c];
        for (int i = 0; i < n; i++) {
            int off = i * c;
            double sum = 0;
            for (int j = 0; j < c; j++) {
                sum += p[off + j];
            }
            double dot = 0;
            for (int j = 0; j < c; j++) {
                normalized[j] = p[off + j] / sum;
                double clipped = Math.min(Math.max(normalized[j], EPSILON), 1 - EPSILON);
                total -= t[off + j] * Math.log(clipped);
                boolean inside = normalized[j] >= EPSILON && normalized[j] <= 1 - EPSILON;
                dNormalized[j] = inside ? -t[off + j] / clipped : 0;
                dot += dNormalized[j] * normalized[j];
            }
            // Through q = p / sum(p): dL/dp_k = (dL/dq_k - sum_j dL/dq_j q_j) / sum(p).
            for (int j = 0; j < c; j++) {
                g[off + j] = (float) ((dNormalized[j] - dot) / sum / n);
            }
        }
        return new LossValue(total / n, grad);
    }
}
