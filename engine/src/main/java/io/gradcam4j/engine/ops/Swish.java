package io.gradcam4j.engine.ops;

/** swish / silu: x * sigmoid(x); derivative s + x s (1 - s). */
public final class Swish extends ElementwiseOp {

    @Override
    protected float value(float x) {
        return x * Sigmoid.sigmoid(x);
    }

    @Override
    protected float derivative(float x, float y) {
        float s = Sigmoid.sigmoid(x);
        return s + x * s * (1f - s);
    }

    @Override
    public String describe() {
        return "swish";
    }
}
