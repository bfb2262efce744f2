package io.gradcam4j.engine.ops;

/**
 * clip(slope * x + 0.5, 0, 1). Keras 2 (and TF.js) use slope 0.2; Keras 3 defines it as
 * relu6(x + 3) / 6, i.e. slope 1/6. Which one a file means depends on the Keras that wrote it.
 */
public final class HardSigmoid extends ElementwiseOp {
    private final float slope;

    private HardSigmoid(float slope) {
        this.slope = slope;
    }

    public static HardSigmoid keras2() {
        return new HardSigmoid(0.2f);
    }

    public static HardSigmoid keras3() {
        return new HardSigmoid(1f / 6f);
    }

    @Override
    protected float value(float x) {
        return Math.min(Math.max(slope * x + 0.5f, 0f), 1f);
    }

    @Override
    protected float derivative(float x, float y) {
        float t = slope * x + 0.5f;
        return t > 0f && t < 1f ? slope : 0f;
    }

    @Override
    public String describe() {
        return "hard_sigmoid(slope " + slope + ")";
    }
}
