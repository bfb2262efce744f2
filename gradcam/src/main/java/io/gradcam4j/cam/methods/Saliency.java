package io.gradcam4j.cam.methods;

import io.gradcam4j.engine.ReluRule;

import java.util.Map;

/** Saliency (Simonyan et al. 2014), as Captum's default: the gradient's magnitude, {@code T = |dS/dx|}. */
public final class Saliency extends BaseAttribution {

    @Override
    public String name() {
        return "saliency";
    }

    @Override
    protected boolean needsInputGradient() {
        return true;
    }

    @Override
    protected Attribution attribution(MethodContext ctx, Target t) {
        float[] g = ctx.gradient(ctx.inputName(), t, ReluRule.STANDARD).data();
        float[] a = new float[g.length];
        for (int i = 0; i < g.length; i++) {
            a[i] = Math.abs(g[i]);
        }
        return new Attribution(a, ctx.input(t.image()).dim(3), MapScaling.allZero(g), Map.of());
    }
}
