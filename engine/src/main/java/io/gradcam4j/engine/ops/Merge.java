package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Tensor;

import java.util.Arrays;

/** Shape checks shared by the merge layers. */
final class Merge {
    private Merge() {
    }

    static void requireSameShapes(Tensor[] inputs, String layer) {
        if (inputs.length < 2) {
            throw new IllegalArgumentException(layer + " needs at least 2 inputs, got " + inputs.length);
        }
        for (Tensor t : inputs) {
            if (!Arrays.equals(t.shape(), inputs[0].shape())) {
                StringBuilder shapes = new StringBuilder();
                for (Tensor s : inputs) {
                    shapes.append(' ').append(Arrays.toString(s.shape()));
                }
                throw new IllegalArgumentException(layer + " needs inputs of one shape, got" + shapes);
            }
        }
    }
}
