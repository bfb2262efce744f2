package io.gradcam4j.cam.methods;

/**
 * Eigen-CAM (Muhammad and Yeasin 2020), as pytorch-grad-cam: the layer's activations projected on
 * their first principal component ({@link PrincipalComponent}, which also says how the sign is
 * fixed). Gradient-free and class-agnostic: every class of an image gets the same map.
 */
public final class EigenCam extends BaseCam {

    @Override
    public String name() {
        return "eigencam";
    }

    @Override
    protected LayerMap map(LayerInput in) {
        return project(in, in.activations());
    }

    /** The first principal component of {@code values} (h*w x K), its sign following their per-pixel sum. */
    static LayerMap project(LayerInput in, float[] values) {
        int k = in.channels();
        double[] perPixel = new double[in.pixels()];
        for (int p = 0; p < perPixel.length; p++) {
            for (int c = 0; c < k; c++) {
                perPixel[p] += values[p * k + c];
            }
        }
        PrincipalComponent.Projection pc = PrincipalComponent.project(values, in.pixels(), k, perPixel);
        return new LayerMap(pc.values(), pc.axis());
    }
}
