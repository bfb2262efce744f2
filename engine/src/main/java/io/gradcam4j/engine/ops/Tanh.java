package io.gradcam4j.engine.ops;

/** Hyperbolic tangent; derivative 1 - y^2. */
public final class Tanh extends ElementwiseOp {

    @Override
    protected float value(float x) {
        return (float) Math.tanh(x);
    }

    @Override
    protected float derivative(float x, float y) {
        return 1f - y * y;
    }

    @Override
    public String describe() {
        return "tanh";
    }
}
