package io.gradcam4j.cam.methods;

/**
 * XGrad-CAM (Fu et al. 2020), as pytorch-grad-cam: the gradient weighed by the normalised
 * activation, {@code alpha_k = sum_ij G_ijk A_ijk / (s_k + 1e-7)}.
 */
public final class XGradCam extends BaseCam {

    @Override
    public String name() {
        return "xgradcam";
    }

    @Override
    protected double[] channelWeights(LayerInput in) {
        float[] g = in.gradient();
        float[] a = in.activations();
        double[] s = in.channelSums();
        int k = in.channels();
        double[] w = new double[k];
        for (int p = 0; p < in.pixels(); p++) {
            for (int c = 0; c < k; c++) {
                w[c] += (double) g[p * k + c] * a[p * k + c];
            }
        }
        for (int c = 0; c < k; c++) {
            w[c] /= s[c] + 1e-7;
        }
        return w;
    }
}
