package io.gradcam4j.engine.train;

import io.gradcam4j.engine.Gradients;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * One and two optimizer steps against values worked out by hand (in double precision) from the
 * update rules of Keras's {@code keras/optimizers/sgd.py} and {@code adam.py}.
 */
class OptimizerTest {

    private static Param param(float... values) {
        return new Param("w", Tensor.of(values.clone(), values.length), true);
    }

    private static Gradients grads(Param p, float... g) {
        Gradients grads = new Gradients();
        System.arraycopy(g, 0, grads.of(p).data(), 0, g.length);
        return grads;
    }

    @Test
    void adamFollowsKerasWithEpsilonAddedToTheUncorrectedRootOfV() {
        Param w = param(1f, -2f, 0.5f);
        Adam adam = new Adam();   // lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7
        // t = 1: m = 0.1 g, v = 0.001 g^2, alpha = 0.001 * sqrt(1 - 0.999) / (1 - 0.9) = 3.16227766e-4
        //   w0: 1 - alpha * 0.05 / (sqrt(2.5e-4) + 1e-7)              = 0.9990000063245154
        //   w1: -2 - alpha * (-1e-7) / (sqrt(1e-15) + 1e-7)          = -1.999759746926648
        //       (PyTorch's form, lr * m^/(sqrt(v^) + eps), would give -1.99909: epsilon matters here)
        //   w2: zero gradient, no change
        adam.step(grads(w, 0.5f, -1e-6f, 0f));
        assertArrayEquals(new float[] {0.9990000063245154f, -1.999759746926648f, 0.5f}, w.value().data(), 1e-7f);
        // t = 2: alpha = 0.001 * sqrt(1 - 0.999^2) / (1 - 0.9^2)
        adam.step(grads(w, 0.25f, -1e-6f, 2f));
        assertArrayEquals(new float[] {0.998067831960989f, -1.9994507833244455f, 0.4992558643530148f},
                w.value().data(), 1e-7f);
        assertEquals(2, adam.iterations());
    }

    @Test
    void sgdWithMomentum() {
        Param w = param(1f, -2f);
        Sgd sgd = new Sgd(0.1f, 0.9f, false);
        // v = 0.9 v - 0.1 g; w = w + v
        sgd.step(grads(w, 0.5f, -1f));           // v = (-0.05, 0.1)
        assertArrayEquals(new float[] {0.95f, -1.9f}, w.value().data(), 1e-6f);
        sgd.step(grads(w, 0.25f, 2f));           // v = (-0.07, -0.11)
        assertArrayEquals(new float[] {0.88f, -2.01f}, w.value().data(), 1e-6f);
    }

    @Test
    void sgdWithNesterovMomentum() {
        Param w = param(1f, -2f);
        Sgd sgd = new Sgd(0.1f, 0.9f, true);
        // v = 0.9 v - 0.1 g; w = w + 0.9 v - 0.1 g
        sgd.step(grads(w, 0.5f, -1f));           // w0: 1 + 0.9 * -0.05 - 0.05
        assertArrayEquals(new float[] {0.905f, -1.81f}, w.value().data(), 1e-6f);
        sgd.step(grads(w, 0.25f, 2f));           // w0: 0.905 + 0.9 * -0.07 - 0.025
        assertArrayEquals(new float[] {0.817f, -2.109f}, w.value().data(), 1e-6f);
    }

    @Test
    void plainSgdIsWeightMinusLearningRateTimesGradient() {
        Param w = param(1f, -2f);
        Sgd sgd = new Sgd();                      // Keras defaults: lr 0.01, no momentum
        sgd.step(grads(w, 0.5f, -1f));
        assertArrayEquals(new float[] {0.995f, -1.99f}, w.value().data(), 1e-7f);
    }

    @Test
    void nonTrainableParamsAreLeftAlone() {
        Param frozen = new Param("moving_mean", Tensor.of(new float[] {3f}, 1), false);
        Gradients g = new Gradients();
        g.of(frozen).data()[0] = 1f;
        new Adam().step(g);
        new Sgd(0.1f, 0.9f, true).step(g);
        assertEquals(3f, frozen.value().data()[0]);
    }

    @Test
    void learningRateCanBeScheduled() {
        Param w = param(1f);
        Sgd sgd = new Sgd(0.1f, 0f, false);
        sgd.learningRate(0.5);
        sgd.step(grads(w, 1f));
        assertEquals(0.5f, w.value().data()[0], 1e-7f);
        assertThrows(IllegalArgumentException.class, () -> sgd.learningRate(0));
    }
}
