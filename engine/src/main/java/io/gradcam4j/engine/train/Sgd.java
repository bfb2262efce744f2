package io.gradcam4j.engine.train;

import io.gradcam4j.engine.Gradients;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Stochastic gradient descent as Keras's {@code SGD} (Keras 2.11+ and 3):
 * <pre>
 *   without momentum:  w = w - lr * g
 *   with momentum:     v = momentum * v - lr * g
 *                      w = w + v                       (plain)
 *                      w = w + momentum * v - lr * g   (Nesterov)
 * </pre>
 * with the velocity {@code v} starting at zero. Keras's defaults: learning rate 0.01, momentum 0.
 */
public final class Sgd implements Optimizer {
    private float learningRate;
    private final float momentum;
    private final boolean nesterov;
    private final Map<Param, float[]> velocity = new IdentityHashMap<>();
    private long iterations;

    /** Keras's defaults: lr 0.01, no momentum. */
    public Sgd() {
        this(0.01f, 0f, false);
    }

    public Sgd(float learningRate, float momentum, boolean nesterov) {
        if (!(learningRate > 0f) || !(momentum >= 0f && momentum <= 1f)) {
            throw new IllegalArgumentException("SGD needs learning rate > 0 and momentum in [0, 1], got "
                    + learningRate + " and " + momentum);
        }
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override
    public void step(Gradients grads) {
        for (Map.Entry<Param, Tensor> e : Optimizer.trainable(grads)) {
            e.getKey().markChanged();
            float[] w = e.getKey().value().data();
            float[] g = e.getValue().data();
            if (momentum == 0f) {
                for (int i = 0; i < w.length; i++) {
                    w[i] -= learningRate * g[i];
                }
                continue;
            }
            float[] v = velocity.computeIfAbsent(e.getKey(), p -> new float[w.length]);
            for (int i = 0; i < w.length; i++) {
                v[i] = momentum * v[i] - learningRate * g[i];
                w[i] += nesterov ? momentum * v[i] - learningRate * g[i] : v[i];
            }
        }
        iterations++;
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
        this.learningRate = (float) lr;
    }

    @Override
    public long iterations() {
        return iterations;
    }

    @Override
    public String describe() {
        return "SGD(lr " + learningRate + ", momentum " + momentum + (nesterov ? ", nesterov" : "") + ")";
    }
}
