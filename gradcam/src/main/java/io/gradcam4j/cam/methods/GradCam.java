package io.gradcam4j.cam.methods;

/**
 * Grad-CAM (Selvaraju et al. 2017): each channel weighed by the spatial mean of the score's
 * gradient over it, {@code alpha_k = (1/Z) sum_ij G_ijk}.
 */
public class GradCam extends BaseCam {

    @Override
    public String name() {
        return "gradcam";
    }

    @Override
    protected double[] channelWeights(LayerInput in) {
        return meanGradient(in);
    }

    /** {@code (1/Z) sum_ij G_ijk} per channel. */
    static double[] meanGradient(LayerInput in) {
        float[] g = in.gradient();
        int k = in.channels();
        double[] w = new double[k];
        for (int p = 0; p < in.pixels(); p++) {
            for (int c = 0; c < k; c++) {
                w[c] += g[p * k + c];
            }
        }
        for (int c = 0; c < k; c++) {
            w[c] /= in.pixels();
        }
        return w;
    }
}
