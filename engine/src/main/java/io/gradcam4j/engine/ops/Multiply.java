package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

import java.util.Arrays;

/**
 * Elementwise product of two or more inputs of one rank, broadcast as Keras's Multiply layer
 * does ({@link Broadcast}: EfficientNet's and MobileNetV3's squeeze-and-excitation gates are
 * (N, 1, 1, C) against (N, H, W, C)). The gradient of input k is the output gradient times the
 * product of the other inputs (computed directly, so zeros are safe), summed over the axes along
 * which input k was stretched.
 */
public final class Multiply implements Op {

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        if (inputs.length < 2) {
            throw new IllegalArgumentException("Multiply needs at least 2 inputs, got " + inputs.length);
        }
        int[] outShape = outputShape(Arrays.stream(inputs).map(Tensor::shape).toArray(int[][]::new));
        Tensor y = productExcept(inputs, -1, outShape);
        return new Step(y, (dy, weightGrads) -> {
            Tensor[] grads = new Tensor[inputs.length];
            float[] g = dy.data();
            for (int k = 0; k < inputs.length; k++) {
                float[] others = productExcept(inputs, k, outShape).data();
                for (int i = 0; i < others.length; i++) {
                    others[i] *= g[i];
                }
                grads[k] = Arrays.equals(inputs[k].shape(), outShape) ? Tensor.of(others, outShape)
                        : Broadcast.sumInto(others, outShape, inputs[k].shape());
            }
            return grads;
        });
    }

    private static Tensor productExcept(Tensor[] inputs, int skip, int[] outShape) {
        Tensor out = Tensor.zeros(outShape);
        float[] o = out.data();
        Arrays.fill(o, 1f);
        for (int k = 0; k < inputs.length; k++) {
            if (k != skip) {
                Broadcast.multiplyInto(o, outShape, inputs[k]);
            }
        }
        return out;
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return Broadcast.outputShape(inputShapes, "Multiply");
    }

    @Override
    public String describe() {
        return "Multiply";
    }
}
