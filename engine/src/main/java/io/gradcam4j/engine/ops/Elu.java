package io.gradcam4j.engine.ops;

/** ELU: x for x > 0, alpha (e^x - 1) otherwise. */
public final class Elu extends ElementwiseOp {
    private final float alpha;

    public Elu(float alpha) {
        this.alpha = alpha;
    }

    @Override
    protected float value(float x) {
        return x > 0f ? x : alpha * (float) Math.expm1(x);
    }

    @Override
    protected float derivative(float x, float y) {
        return x > 0f ? 1f : y + alpha;
    }

    @Override
    public String describe() {
        return "ELU(alpha " + alpha + ")";
    }
}
