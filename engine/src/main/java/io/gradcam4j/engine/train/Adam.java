package io.gradcam4j.engine.train;

import io.gradcam4j.engine.Gradients;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Adam as Keras implements it (Keras 2.11+ and 3, {@code amsgrad=False}), at step {@code t}
 * (counting from 1):
 * <pre>
 *   m = m + (g - m) * (1 - beta1)
 *   v = v + (g^2 - v) * (1 - beta2)
 *   alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
 *   w = w - alpha * m / (sqrt(v) + epsilon)
 * </pre>
 * Note that Keras adds epsilon to {@code sqrt(v)} without bias-correcting {@code v} first (the
 * paper's "epsilon hat" form), so epsilon weighs differently than in PyTorch. The moments are
 * kept in double precision per weight. Keras's defaults: lr 0.001, beta1 0.9, beta2 0.999,
 * epsilon 1e-7.
 */
public final class Adam implements Optimizer {
    private double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final Map<Param, double[][]> moments = new IdentityHashMap<>();
    private long iterations;

    /** Keras's defaults. */
    public Adam() {
        this(0.001, 0.9, 0.999, 1e-7);
    }

    public Adam(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-7);
    }

    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
        if (!(learningRate > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon >= 0)) {
            throw new IllegalArgumentException("Adam needs lr > 0, beta1 and beta2 in [0, 1), epsilon >= 0; got lr "
                    + learningRate + ", beta1 " + beta1 + ", beta2 " + beta2 + ", epsilon " + epsilon);
        }
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    public void step(Gradients grads) {
        long t = iterations + 1;
        double alpha = learningRate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
        for (Map.Entry<Param, Tensor> e : Optimizer.trainable(grads)) {
            e.getKey().markChanged();
            float[] w = e.getKey().value().data();
            float[] g = e.getValue().data();
            double[][] mv = moments.computeIfAbsent(e.getKey(), p -> new double[][] {new double[w.length],
                new double[w.length]});
            double[] m = mv[0];
            double[] v = mv[1];
            for (int i = 0; i < w.length; i++) {
                double gi = g[i];
                m[i] += (gi - m[i]) * (1 - beta1);
                v[i] += (gi * gi - v[i]) * (1 - beta2);
                w[i] = (float) (w[i] - alpha * m[i] / (Math.sqrt(v[i]) + epsilon));
            }
        }
        iterations = t;
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    @Override
    public void learningRate(double lr) {
        if (!(lr > 0)) {
            throw new IllegalArgumentException("the learning rate must be > 0, got " + lr);
        }
        this.learningRate = lr;
    }

    @Override
    public long iterations() {
        return iterations;
    }

    @Override
    public String describe() {
        return "Adam(lr " + learningRate + ", beta1 " + beta1 + ", beta2 " + beta2 + ", epsilon " + epsilon + ")";
    }
}
