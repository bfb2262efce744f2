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
        return new LayerMap(sumOverChannels(in, (g, a) -> g * a), null);
    }

    /** {@code sum_k term(G_ijk, A_ijk)} at every pixel: the maps of the element-wise CAMs. */
    static double[] sumOverChannels(LayerInput in, java.util.function.DoubleBinaryOperator term) {
        float[] g = in.gradient();
        float[] a = in.activations();
        int k = in.channels();
        double[] m = new double[in.pixels()];
        for (int p = 0; p < m.length; p++) {
            double s = 0;
            for (int c = 0; c < k; c++) {
                s += term.applyAsDouble(g[p * k + c], a[p * k + c]);
            }
            m[p] = s;
        }
        return m;
    }
}
