package io.gradcam4j.engine.ops;

/** SELU with Keras's constants: scale * ELU(x, alpha). */
public final class Selu extends ElementwiseOp {
    private static final float ALPHA = 1.6732632423543772f;
    private static final float SCALE = 1.0507009873554805f;

    @Override
    protected float value(float x) {
        return x > 0f ? SCALE * x : SCALE * ALPHA * (float) Math.expm1(x);
    }

    @Override
    protected float derivative(float x, float y) {
        return x > 0f ? SCALE : y + SCALE * ALPHA;
    }

    @Override
    public String describe() {
        return "SELU";
    }
}
