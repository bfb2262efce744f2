package io.gradcam4j.cam.methods;

import io.gradcam4j.engine.ReluRule;

import java.util.Map;

/**
 * Guided backpropagation (Springenberg et al. 2015; Captum): the input gradient with every
 * ReLU-family op passing back only positive gradients where its input was positive,
 * {@code dx = max(dy * f'(x), 0)} ({@link ReluRule#GUIDED}; also where a relu was folded into a
 * convolution). Sharp, but largely independent of the class and of the upper layers' weights
 * (Adebayo et al. 2018): see the sanity check in the README.
 */
public final class GuidedBackprop extends BaseAttribution {

    @Override
    public String name() {
        return "guided-backprop";
    }

    @Override
    protected boolean needsInputGradient() {
        return true;
    }

    @Override
    protected Attribution attribution(MethodContext ctx, Target t) {
        float[] g = ctx.gradient(ctx.inputName(), t, ReluRule.GUIDED).data();
        return new Attribution(g, ctx.input(t.image()).dim(3), MapScaling.allZero(g), Map.of());
    }
}
