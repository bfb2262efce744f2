package io.gradcam4j.cam.methods;

import io.gradcam4j.engine.ReluRule;

import java.util.Map;

/**
 * Guided Grad-CAM (Selvaraju et al. 2017) as Captum's {@code GuidedGradCam}: guided
 * backpropagation multiplied by Grad-CAM's map at the layer before any normalisation
 * ({@code max(sum_k alpha_k A_k, 0)}), brought to the input's size by torch's nearest
 * interpolation. High resolution like guided backpropagation, class-discriminative like Grad-CAM.
 */
public final class GuidedGradCam extends BaseAttribution {

    @Override
    public String name() {
        return "guided-gradcam";
    }

    @Override
    public boolean usesLayer() {
        return true;
    }

    @Override
    protected boolean needsInputGradient() {
        return true;
    }

    @Override
    protected Attribution attribution(MethodContext ctx, Target t) {
        if (ctx.request().layers().size() != 1) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("guided-gradcam takes one layer, not " + ctx.request().layers());
        }
        LayerInput in = new LayerInput(ctx, t, ctx.request().layers().get(0));
        double[] cam = in.weightedSum(GradCam.meanGradient(in));
        for (int i = 0; i < cam.length; i++) {
            cam[i] = Math.max(cam[i], 0);
        }
        var x = ctx.input(t.image());
        int h = x.dim(1);
        int w = x.dim(2);
        int ch = x.dim(3);
        double[] up = Grids.nearest(cam, in.height(), in.width(), h, w);
        float[] guided = ctx.gradient(ctx.inputName(), t, ReluRule.GUIDED).data();
        float[] a = new float[guided.length];
        for (int p = 0; p < h * w; p++) {
            for (int c = 0; c < ch; c++) {
                a[p * ch + c] = (float) (guided[p * ch + c] * up[p]);
            }
        }
        return new Attribution(a, ch, in.gradientReadAndZero() || MapScaling.allZero(guided), Map.of());
    }
}
