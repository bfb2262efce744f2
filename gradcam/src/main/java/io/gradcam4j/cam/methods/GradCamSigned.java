package io.gradcam4j.cam.methods;

/**
 * Grad-CAM without its ReLU: evidence for the class (positive) and against it (negative) in one
 * map, divided by its largest magnitude and drawn with a diverging colormap whose centre is zero.
 */
public final class GradCamSigned extends BaseCam {

    @Override
    public String name() {
        return "gradcam-signed";
    }

    @Override
    protected double[] channelWeights(LayerInput in) {
        return GradCam.meanGradient(in);
    }

    @Override
    protected boolean signed() {
        return true;
    }
}
