package io.gradcam4j.cam.methods;

/**
 * HiResCAM (Draelos and Carin 2020): the gradient multiplies the activations element-wise before
 * the channels are summed, {@code M = sum_k G_k * A_k}: no spatial averaging, so the map shows
 * exactly the locations the score used (provably so for a global-average-pooling head).
 */
public final class HiResCam extends BaseCam {

    @Override
    public String name() {
        return "hirescam";
    }

    @Override
    protected LayerMap map(LayerInput in) {
        return new LayerMap(elementwise(in, false), null);
    }

    /** {@code sum_k G_k * A_k}, each product clipped at zero first when {@code reluEach}. */
    static double[] elementwise(LayerInput in, boolean reluEach) {
        float[] g = in.gradient();
        float[] a = in.activations();
        int k = in.channels();
        double[] m = new double[in.pixels()];
        for (int p = 0; p < m.length; p++) {
            double s = 0;
            for (int c = 0; c < k; c++) {
                double v = (double) g[p * k + c] * a[p * k + c];
                s += reluEach ? Math.max(v, 0) : v;
            }
            m[p] = s;
        }
        return m;
    }
}
