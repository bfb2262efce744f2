package io.gradcam4j.cam;

import io.gradcam4j.engine.Tensor;

/**
 * Grad-CAM (Selvaraju et al. 2017): each channel is weighed by the spatial mean of the score's
 * gradient over that channel, {@code map = sum_c mean(dS/dA_c) * A_c}.
 */
public final class GradCam extends BaseCam {

    @Override
    public String name() {
        return "gradcam";
    }

    @Override
    protected float[] weighedActivations(Tensor a, Tensor g) {
        int pixels = a.dim(1) * a.dim(2);
        int c = a.dim(3);
        double[] weights = new double[c];
        float[] gs = g.data();
        for (int p = 0; p < pixels; p++) {
            for (int ch = 0; ch < c; ch++) {
                weights[ch] += gs[p * c + ch];
            }
        }
        float[] as = a.data();
        float[] map = new float[pixels];
        for (int p = 0; p < pixels; p++) {
            double s = 0;
            for (int ch = 0; ch < c; ch++) {
                s += weights[ch] / pixels * as[p * c + ch];
            }
            map[p] = (float) s;
        }
        return map;
    }
}
