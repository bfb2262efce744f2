package io.gradcam4j.cam.methods;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ablation-CAM (Desai and Ramaswamy 2020) as pytorch-grad-cam 1.5.5: each channel of the layer in
 * turn is switched off and the rest of the network run again from there (the layers before it
 * are not repeated); {@code alpha_k = (S - S_k) / S}, the relative drop of the score. A channel is
 * switched off by setting it to 0 when the layer's smallest value is 0 (after a ReLU), else to
 * that smallest value minus 1e7 (pytorch-grad-cam's AblationLayer; it also lowers that value
 * again after every ablation in a batch, which makes results depend on the batch: not
 * reproduced). Gradient-free; one partial forward pass per channel, in batches.
 */
public final class AblationCam extends BaseCam {
    private static final double ABLATION_VALUE = 1e7;

    @Override
    public String name() {
        return "ablationcam";
    }

    @Override
    public Map<String, Object> parameters(MethodOptions o) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("batch_size", o.batchSizeOr16());
        return p;
    }

    @Override
    protected double[] channelWeights(LayerInput in) {
        float[] a = in.activations();
        int k = in.channels();
        float min = Float.POSITIVE_INFINITY;
        for (float v : a) {
            min = Math.min(min, v);
        }
        float off = min == 0f ? 0f : (float) (min - ABLATION_VALUE);
        float[] scores = in.context().scoresFromLayer(in.layer(), k, (c, into) -> {
            System.arraycopy(a, 0, into, 0, a.length);
            for (int p = 0; p < in.pixels(); p++) {
                into[p * k + c] = off;
            }
        }, in.target());
        double original = in.context().score(in.target());
        double[] w = new double[k];
        for (int c = 0; c < k; c++) {
            double relativeDrop = (original - scores[c]) / original;
            // a score of 0 has no relative drop (0/0, x/0): no evidence rather than NaN or infinity
            w[c] = Double.isFinite(relativeDrop) ? relativeDrop : 0;
        }
        return w;
    }
}
