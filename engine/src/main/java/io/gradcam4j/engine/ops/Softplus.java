package io.gradcam4j.engine.ops;

/** log(1 + e^x), written as max(x, 0) + log1p(e^-|x|) so it never overflows; derivative sigmoid(x). */
public final class Softplus extends ElementwiseOp {

    @Override
    protected float value(float x) {
        return (float) (Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs((double) x))));
    }

    @Override
    protected float derivative(float x, float y) {
        return Sigmoid.sigmoid(x);
    }

    @Override
    public String describe() {
        return "softplus";
    }
}
