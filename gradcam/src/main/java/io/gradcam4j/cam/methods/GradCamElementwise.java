package io.gradcam4j.cam.methods;

/**
 * pytorch-grad-cam's GradCAMElementWise: like HiResCAM, but each channel's product is clipped at
 * zero before the sum, {@code M = sum_k max(G_k * A_k, 0)}.
 */
public final class GradCamElementwise extends BaseCam {

    @Override
    public String name() {
        return "gradcam-elementwise";
    }

    @Override
    protected LayerMap map(LayerInput in) {
        return new LayerMap(HiResCam.sumOverChannels(in, (g, a) -> Math.max(g * a, 0)), null);
    }
}
