package io.gradcam4j.cam.methods;

import io.gradcam4j.engine.BackwardRules;
import io.gradcam4j.engine.Tensor;

import java.util.Map;

/**
 * FullGrad (Srinivas and Fleuret 2019) as pytorch-grad-cam 1.5.5 (which follows the paper's
 * code): {@code |x * dS/dx|} plus, for every convolution bias and every BatchNormalization of the
 * network, {@code |b * dS/dz|} at the bias's output {@code z}; each term min-max scaled channel by
 * channel, resized to the input (bilinear) and summed over its channels; the map is their sum.
 * This engine owns the graph, so the gradients at the biases come from one backward pass of the
 * unfused network that hears every bias ({@link io.gradcam4j.engine.BiasGradientListener}).
 * Layers are ignored.
 */
public final class FullGrad extends BaseAttribution {

    @Override
    public String name() {
        return "fullgrad";
    }

    @Override
    protected boolean captumPicture() {
        return false;
    }

    @Override
    protected Attribution attribution(MethodContext ctx, Target t) {
        Tensor x = ctx.input(t.image());
        int h = x.dim(1);
        int w = x.dim(2);
        double[] map = new double[h * w];
        BackwardRules hearing = BackwardRules.hearingBiases((bias, g) -> addTerm(map, h, w, g, bias));
        float[][] inputGradient = new float[1][];
        ctx.inputGradients(1, (i, into) -> System.arraycopy(x.data(), 0, into, 0, into.length), t, hearing,
                (i, g) -> inputGradient[0] = g);
        float[] xs = x.data();
        float[] gx = new float[xs.length];
        for (int j = 0; j < xs.length; j++) {
            gx[j] = xs[j] * inputGradient[0][j];
        }
        addTerm(map, h, w, Tensor.of(gx, x.shape()), null);
        float[] a = new float[h * w];
        for (int p = 0; p < a.length; p++) {
            a[p] = (float) map[p];
        }
        return new Attribution(a, 1, MapScaling.allZero(inputGradient[0]), Map.of());
    }

    /** Adds {@code sum_k resize(scale(|b_k * g_k|))} (or of |g_k| when {@code bias} is null) to the map. */
    private static void addTerm(double[] map, int h, int w, Tensor g, float[] bias) {
        int gh = g.dim(1);
        int gw = g.dim(2);
        int k = g.dim(3);
        float[] gs = g.data();
        double[] channel = new double[gh * gw];
        double[] scaledSum = new double[gh * gw];
        for (int c = 0; c < k; c++) {
            for (int p = 0; p < channel.length; p++) {
                channel[p] = Math.abs((bias != null ? bias[c] : 1f) * (double) gs[p * k + c]);
            }
            double[] scaled = Grids.minMaxScaled(channel);
            for (int p = 0; p < scaled.length; p++) {
                scaledSum[p] += scaled[p];
            }
        }
        // bilinear resizing is linear: resizing the channels' sum is the sum of the resized channels
        double[] up = Grids.bilinear(scaledSum, gh, gw, h, w);
        for (int p = 0; p < map.length; p++) {
            map[p] += up[p];
        }
    }
}
