package io.gradcam4j.cam.methods;

/**
 * Grad-CAM++ (Chattopadhyay et al. 2018) as pytorch-grad-cam 1.5.5 computes it: the closed form
 * of the paper's eq. 19 from the first-order gradient, with its epsilon,
 * {@code a_ijk = G^2 / (2 G^2 + s_k G^3 + 1e-6)} where {@code G != 0} (else 0), {@code s_k} the
 * channel's activation sum, and {@code alpha_k = sum_ij max(G_ijk, 0) a_ijk}. It weighs every
 * positive-gradient location rather than their mean, so several instances of a class all count.
 */
public final class GradCamPlusPlus extends BaseCam {

    @Override
    public String name() {
        return "gradcam++";
    }

    @Override
    protected double[] channelWeights(LayerInput in) {
        float[] g = in.gradient();
        double[] s = in.channelSums();
        int k = in.channels();
        double[] w = new double[k];
        for (int p = 0; p < in.pixels(); p++) {
            for (int c = 0; c < k; c++) {
                double gv = g[p * k + c];
                if (gv > 0) {   // max(G, 0) is zero elsewhere, and a_ijk is 0 where G = 0
                    double g2 = gv * gv;
                    w[c] += gv * g2 / (2 * g2 + s[c] * g2 * gv + 1e-6);
                }
            }
        }
        return w;
    }
}
