package io.gradcam4j.cam.metrics;

import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The values a newly built Keras layer gives its weights, drawn from a seeded generator: what
 * "re-initialising a layer" means in the model-parameter randomisation test (Adebayo et al. 2018
 * re-initialise; Quantus does it for PyTorch models with each module's {@code reset_parameters},
 * the framework's own initialisation). Keras's defaults:
 * <ul>
 *   <li>kernels (any weight of rank 2 or more, but PReLU's {@code alpha}): Glorot uniform,
 *   {@code U(-l, l)} with {@code l = sqrt(6 / (fan_in + fan_out))} and Keras's fans (rank 2:
 *   {@code (in, out)}; above: the last two axes times the product of the others);</li>
 *   <li>{@code gamma} and {@code moving_variance}: ones; biases, {@code beta},
 *   {@code moving_mean} and PReLU's {@code alpha}: zeros.</li>
 * </ul>
 * Weights are recognised by the end of their Keras name.
 */
final class FreshWeights {

    private FreshWeights() {
    }

    static Tensor of(Param p, SplittableRandom random) {
        int[] shape = p.value().shape();
        String name = p.name().toLowerCase(Locale.ROOT);
        Tensor t = Tensor.zeros(shape);
        if (name.endsWith("gamma") || name.endsWith("moving_variance")) {
            java.util.Arrays.fill(t.data(), 1f);
        } else if (shape.length >= 2 && !name.endsWith("alpha")) {
            double limit = Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape)));
            float[] v = t.data();
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((2 * random.nextDouble() - 1) * limit);
            }
        }
        return t;
    }

    /** Keras's {@code _compute_fans}: the input axis times the receptive field. */
    static long fanIn(int[] shape) {
        return (long) shape[shape.length - 2] * receptiveField(shape);
    }

    static long fanOut(int[] shape) {
        return (long) shape[shape.length - 1] * receptiveField(shape);
    }

    private static long receptiveField(int[] shape) {
        long r = 1;
        for (int i = 0; i < shape.length - 2; i++) {
            r *= shape[i];
        }
        return r;
    }
}
