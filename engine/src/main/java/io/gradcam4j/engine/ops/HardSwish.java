package io.gradcam4j.engine.ops;

/**
 * Keras 3's {@code hard_swish} (alias {@code hard_silu}), MobileNetV3's activation:
 * {@code x * relu6(x + 3) / 6}. Its derivative, as TensorFlow's autodiff gives it through
 * relu6: 0 below -3, 1 above 3, {@code (2x + 3) / 6} between (at -3 and 3 exactly, relu6's
 * gradient is 0, leaving 0 and 1).
 */
public final class HardSwish extends ElementwiseOp {

    @Override
    protected float value(float x) {
        return x * Math.min(Math.max(x + 3f, 0f), 6f) / 6f;
    }

    @Override
    protected float derivative(float x, float y) {
        if (x <= -3f) {
            return 0f;
        }
        if (x >= 3f) {
            return 1f;
        }
        return (2f * x + 3f) / 6f;
    }

    @Override
    public String describe() {
        return "hard_swish";
    }
}
