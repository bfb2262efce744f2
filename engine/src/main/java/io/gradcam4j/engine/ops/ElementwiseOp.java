package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

/**
 * An activation applied to each value on its own. Subclasses give the function and its
 * derivative; the derivative may use the input {@code x} or the output {@code y}, whichever is
 * cheaper (sigmoid' = y(1-y)).
 */
public abstract class ElementwiseOp implements Op {

    protected abstract float value(float x);

    /** dy/dx at input {@code x} with output {@code y}. */
    protected abstract float derivative(float x, float y);

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Tensor x = inputs[0];
        Tensor y = Tensor.zerosLike(x);
        apply(x.data(), y.data(), 0, x.size());
        return new Step(y, (dy, weightGrads) -> {
            Tensor dx = Tensor.zerosLike(x);
            chainRule(x.data(), y.data(), dy.data(), dx.data());
            return new Tensor[] {dx};
        });
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return inputShapes[0].clone();
    }

    /**
     * ys[i] = f(xs[i]) for i in [from, to); {@code ys} may be {@code xs} (in place). Subclasses
     * override this with a loop of their own where speed matters: this loop's call to
     * {@link #value} is shared by every activation, so the JIT cannot inline it.
     */
    protected void apply(float[] xs, float[] ys, int from, int to) {
        for (int i = from; i < to; i++) {
            ys[i] = value(xs[i]);
        }
    }

    /** dx[i] = dy[i] * f'(xs[i]) for outputs ys = f(xs); {@code dx} may be {@code dy}. */
    protected void chainRule(float[] xs, float[] ys, float[] dy, float[] dx) {
        for (int i = 0; i < xs.length; i++) {
            dx[i] = dy[i] * derivative(xs[i], ys[i]);
        }
    }
}
