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
        float[] xs = x.data();
        float[] ys = y.data();
        for (int i = 0; i < xs.length; i++) {
            ys[i] = value(xs[i]);
        }
        return new Step(y, (dy, weightGrads) -> {
            Tensor dx = Tensor.zerosLike(x);
            float[] g = dy.data();
            float[] d = dx.data();
            for (int i = 0; i < xs.length; i++) {
                d[i] = g[i] * derivative(xs[i], ys[i]);
            }
            return new Tensor[] {dx};
        });
    }
}
