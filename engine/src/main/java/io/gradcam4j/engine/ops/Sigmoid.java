package io.gradcam4j.engine.ops;

/** The logistic function 1 / (1 + e^-x). */
public final class Sigmoid extends ElementwiseOp {

    /** Computed so that neither branch overflows for large |x|. */
    static float sigmoid(float x) {
        if (x >= 0f) {
            return (float) (1.0 / (1.0 + Math.exp(-x)));
        }
        double e = Math.exp(x);
        return (float) (e / (1.0 + e));
    }

    @Override
    protected float value(float x) {
        return sigmoid(x);
    }

    @Override
    protected float derivative(float x, float y) {
        return y * (1f - y);
    }

    @Override
    public String describe() {
        return "sigmoid";
    }
}
