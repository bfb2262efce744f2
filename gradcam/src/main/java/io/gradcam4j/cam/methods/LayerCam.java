package io.gradcam4j.cam.methods;

/**
 * LayerCAM (Jiang et al. 2021): each activation weighed by its own positive gradient,
 * {@code M = sum_k max(G_k, 0) * A_k}; it keeps fine detail at earlier layers.
 */
public final class LayerCam extends BaseCam {

    @Override
    public String name() {
        return "layercam";
    }

    @Override
    protected LayerMap map(LayerInput in) {
        float[] g = in.gradient();
        float[] a = in.activations();
        int k = in.channels();
        double[] m = new double[in.pixels()];
        for (int p = 0; p < m.length; p++) {
            double s = 0;
            for (int c = 0; c < k; c++) {
                s += Math.max(g[p * k + c], 0f) * (double) a[p * k + c];
            }
            m[p] = s;
        }
        return new LayerMap(m, null);
    }
}
