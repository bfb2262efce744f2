package io.gradcam4j.cam.methods;

import io.gradcam4j.cam.GaussianBlur;
import io.gradcam4j.engine.Tensor;

/** Integrated Gradients' reference inputs (docs/METHODS.md). */
final class Baselines {

    private Baselines() {
    }

    static Tensor of(MethodOptions.Baseline kind, Tensor x, MethodContext ctx) {
        return switch (kind) {
            case ZERO -> Tensor.zeros(x.shape());
            case BLACK -> ctx.request().preprocessing().apply(Tensor.zeros(x.shape()));
            case BLUR -> Tensor.of(GaussianBlur.of(x), x.shape());
        };
    }
}
