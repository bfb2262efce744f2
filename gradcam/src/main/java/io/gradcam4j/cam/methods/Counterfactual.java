package io.gradcam4j.cam.methods;

/**
 * Counterfactual explanation (Grad-CAM paper, section "Counterfactual Explanations"): Grad-CAM
 * with the gradient negated, {@code alpha_k = -(1/Z) sum_ij G_ijk}: the regions whose removal
 * would raise the class's score, i.e. the evidence against it.
 */
public final class Counterfactual extends BaseCam {

    @Override
    public String name() {
        return "counterfactual";
    }

    @Override
    protected double[] channelWeights(LayerInput in) {
        double[] w = GradCam.meanGradient(in);
        for (int c = 0; c < w.length; c++) {
            w[c] = -w[c];
        }
        return w;
    }
}
