package io.gradcam4j.cam.methods;

import io.gradcam4j.engine.ReluRule;

import java.util.Map;

/** Input x Gradient (Shrikumar et al. 2016; Captum): {@code T = x * dS/dx}. */
public final class InputXGradient extends BaseAttribution {

    @Override
    public String name() {
        return "inputxgradient";
    }

    @Override
    protected boolean needsInputGradient() {
        return true;
    }

    @Override
    protected Attribution attribution(MethodContext ctx, Target t) {
        float[] g = ctx.gradient(ctx.inputName(), t, ReluRule.STANDARD).data();
        float[] x = ctx.input(t.image()).data();
        float[] a = new float[g.length];
        for (int i = 0; i < g.length; i++) {
            a[i] = x[i] * g[i];
        }
        return new Attribution(a, ctx.input(t.image()).dim(3), MapScaling.allZero(g), Map.of());
    }
}
