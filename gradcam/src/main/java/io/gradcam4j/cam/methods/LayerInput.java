package io.gradcam4j.cam.methods;

import io.gradcam4j.engine.ReluRule;
import io.gradcam4j.engine.Tensor;

/**
 * What a CAM method reads at one layer for one target: the activations {@code A} (h x w x K,
 * channels last, one image) and, when it asks, the gradient {@code G = dS/dA} of the target's
 * score. Asking for the gradient costs the batch one backward pass per class slot (shared).
 */
public final class LayerInput {
    private final MethodContext ctx;
    private final Target target;
    private final String layer;
    private final float[] a;
    private final int h;
    private final int w;
    private final int k;
    private float[] g;

    LayerInput(MethodContext ctx, Target target, String layer) {
        this.ctx = ctx;
        this.target = target;
        this.layer = layer;
        Tensor activation = ctx.activation(layer, target.image());
        if (activation.rank() != 4) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("layer '" + layer + "' outputs " + activation
                    + "; a class activation map needs a 4-D (1, H, W, C) output");
        }
        this.a = activation.data();
        this.h = activation.dim(1);
        this.w = activation.dim(2);
        this.k = activation.dim(3);
    }

    public MethodContext context() {
        return ctx;
    }

    public Target target() {
        return target;
    }

    public String layer() {
        return layer;
    }

    /** Activations, index {@code (i * w + j) * K + k}. */
    public float[] activations() {
        return a;
    }

    /** The gradient of the target's score at this layer, same layout as {@link #activations()}. */
    public float[] gradient() {
        if (g == null) {
            g = ctx.gradient(layer, target, ReluRule.STANDARD).data();
        }
        return g;
    }

    /** Whether the method read the gradient and it is zero everywhere. */
    boolean gradientReadAndZero() {
        return g != null && MapScaling.allZero(g);
    }

    public int height() {
        return h;
    }

    public int width() {
        return w;
    }

    public int channels() {
        return k;
    }

    /** h * w. */
    public int pixels() {
        return h * w;
    }

    /** {@code sum_ij A_ijk} for every channel k. */
    public double[] channelSums() {
        double[] s = new double[k];
        for (int p = 0; p < pixels(); p++) {
            for (int c = 0; c < k; c++) {
                s[c] += a[p * k + c];
            }
        }
        return s;
    }

    /** {@code sum_k weights_k A_ijk} at every pixel. */
    public double[] weightedSum(double[] weights) {
        double[] m = new double[pixels()];
        for (int p = 0; p < m.length; p++) {
            double s = 0;
            for (int c = 0; c < k; c++) {
                s += weights[c] * a[p * k + c];
            }
            m[p] = s;
        }
        return m;
    }
}
