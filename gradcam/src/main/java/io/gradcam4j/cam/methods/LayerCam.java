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
        return new LayerMap(HiResCam.sumOverChannels(in, (g, a) -> Math.max(g, 0) * a), null);
    }
}
