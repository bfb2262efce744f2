package io.gradcam4j.cam.methods;

/**
 * Eigen-Grad-CAM (pytorch-grad-cam): Eigen-CAM on the element-wise product {@code G * A}, so the
 * principal component follows the class.
 */
public final class EigenGradCam extends BaseCam {

    @Override
    public String name() {
        return "eigengradcam";
    }

    @Override
    protected LayerMap map(LayerInput in) {
        float[] g = in.gradient();
        float[] a = in.activations();
        float[] product = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            product[i] = g[i] * a[i];
        }
        return EigenCam.project(in, product);
    }
}
