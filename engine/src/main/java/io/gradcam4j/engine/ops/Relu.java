package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.BackwardRules;
import io.gradcam4j.engine.ReluRule;

/**
 * Keras's relu with all its arguments ({@code keras.activations.relu} / the ReLU layer):
 * values above {@code threshold} pass, clipped to {@code [0, maxValue]}; values at or below it
 * become {@code negativeSlope * (x - threshold)}. Covers relu, relu6 (max 6) and LeakyReLU.
 */
public final class Relu extends ElementwiseOp {
    private final float maxValue;      // +infinity when unbounded
    private final float negativeSlope;
    private final float threshold;

    public Relu(float maxValue, float negativeSlope, float threshold) {
        if (maxValue < 0) {
            throw new IllegalArgumentException("ReLU max_value must be >= 0, got " + maxValue);
        }
        if (negativeSlope < 0) {
            throw new IllegalArgumentException("ReLU negative_slope must be >= 0, got " + negativeSlope);
        }
        this.maxValue = maxValue;
        this.negativeSlope = negativeSlope;
        this.threshold = threshold;
    }

    public static Relu plain() {
        return new Relu(Float.POSITIVE_INFINITY, 0f, 0f);
    }

    public static Relu relu6() {
        return new Relu(6f, 0f, 0f);
    }

    public static Relu leaky(float alpha) {
        return new Relu(Float.POSITIVE_INFINITY, alpha, 0f);
    }

    @Override
    protected float value(float x) {
        // Same order of steps as Keras: keep x above the threshold (or relu when it is 0), clip to
        // [0, max_value] only when there is a max_value, then add the negative part.
        float v = threshold != 0f ? (x > threshold ? x : 0f) : Math.max(x, 0f);
        if (maxValue != Float.POSITIVE_INFINITY) {
            v = Math.min(Math.max(v, 0f), maxValue);
        }
        if (negativeSlope != 0f && x < threshold) {
            v -= negativeSlope * (threshold - x);
        }
        return v;
    }

    /** Whether this is a clamp to [0, max value] (relu, relu6): a convolution can store it directly. */
    public boolean isClamp() {
        return threshold == 0f && negativeSlope == 0f;
    }

    /** Whether this is max(x, 0) itself: its derivative can be read from its output. */
    public boolean isPlain() {
        return isClamp() && maxValue == Float.POSITIVE_INFINITY;
    }

    /**
     * The chain rule of plain relu from the output alone (the input was positive exactly where the
     * output is), under the backward pass's {@link ReluRule}: a folded convolution then needs no
     * second forward pass to find its pre-activation.
     */
    void chainRuleFromOutput(float[] ys, float[] dy, float[] dx) {
        ReluRule rule = BackwardRules.current().relu();
        for (int i = 0; i < ys.length; i++) {
            dx[i] = rule.apply(dy[i], ys[i] > 0f ? 1f : 0f);
        }
    }

    /** The upper end of the clamp, +infinity for plain relu. */
    public float maxValue() {
        return maxValue;
    }

    @Override
    protected void apply(float[] xs, float[] ys, int from, int to) {
        if (!isClamp()) {
            super.apply(xs, ys, from, to);
            return;
        }
        // relu and relu6, the hot cases: the same steps as value(), in a loop the JIT vectorizes
        float max = maxValue;
        for (int i = from; i < to; i++) {
            ys[i] = Math.min(Math.max(xs[i], 0f), max);
        }
    }

    @Override
    protected float derivative(float x, float y) {
        if (x > threshold) {
            boolean clipped = maxValue != Float.POSITIVE_INFINITY && (x < 0f || x > maxValue);
            return clipped || (threshold == 0f && x <= 0f) ? 0f : 1f;
        }
        return negativeSlope;
    }

    /** The chain rule, or the rule a guided backward pass chose ({@link BackwardRules#relu()}). */
    @Override
    protected void chainRule(float[] xs, float[] ys, float[] dy, float[] dx) {
        ReluRule rule = BackwardRules.current().relu();
        if (rule == ReluRule.STANDARD) {
            super.chainRule(xs, ys, dy, dx);
            return;
        }
        for (int i = 0; i < xs.length; i++) {
            dx[i] = rule.apply(dy[i], derivative(xs[i], ys[i]));
        }
    }

    @Override
    public String describe() {
        return "ReLU(max_value " + maxValue + ", negative_slope " + negativeSlope + ", threshold " + threshold + ")";
    }
}
