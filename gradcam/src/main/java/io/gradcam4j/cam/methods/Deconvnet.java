package io.gradcam4j.cam.methods;

import io.gradcam4j.engine.ReluRule;

import java.util.Map;

/**
 * Deconvnet (Zeiler and Fergus 2014; Captum): the input gradient with every ReLU-family op
 * passing back the positive part of the gradient whatever its input was, {@code dx = max(dy, 0)}
 * ({@link ReluRule#DECONVNET}).
 */
public final class Deconvnet extends BaseAttribution {

    @Override
    public String name() {
        return "deconvnet";
    }

    @Override
    protected boolean needsInputGradient() {
        return true;
    }

    @Override
    protected Attribution attribution(MethodContext ctx, Target t) {
        float[] g = ctx.gradient(ctx.inputName(), t, ReluRule.DECONVNET).data();
        return new Attribution(g, ctx.input(t.image()).dim(3), MapScaling.allZero(g), Map.of());
    }
}
