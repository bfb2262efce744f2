package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

import java.util.Arrays;

/**
 * Joins inputs along one axis (negative axes count from the end, as in Keras; axis 0, the
 * batch, is refused). The gradient splits the output gradient back into the pieces.
 */
public final class Concatenate implements Op {
    private final int axis;

    public Concatenate(int axis) {
        this.axis = axis;
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        int[][] shapes = new int[inputs.length][];
        for (int k = 0; k < inputs.length; k++) {
            shapes[k] = inputs[k].shape();
        }
        int[] outShape = outputShape(shapes);
        int rank = outShape.length;
        int ax = axis < 0 ? rank + axis : axis;
        int outer = 1;
        for (int d = 0; d < ax; d++) {
            outer *= outShape[d];
        }
        int inner = 1;
        for (int d = ax + 1; d < rank; d++) {
            inner *= outShape[d];
        }
        int outBlock = outShape[ax] * inner;
        Tensor y = Tensor.zeros(outShape);
        int offset = 0;
        int[] blocks = new int[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            blocks[k] = inputs[k].dim(ax) * inner;
            for (int o = 0; o < outer; o++) {
                System.arraycopy(inputs[k].data(), o * blocks[k], y.data(), o * outBlock + offset, blocks[k]);
            }
            offset += blocks[k];
        }
        int finalOuter = outer;
        return new Step(y, (dy, weightGrads) -> {
            Tensor[] grads = new Tensor[inputs.length];
            int off = 0;
            for (int k = 0; k < inputs.length; k++) {
                grads[k] = Tensor.zerosLike(inputs[k]);
                for (int o = 0; o < finalOuter; o++) {
                    System.arraycopy(dy.data(), o * outBlock + off, grads[k].data(), o * blocks[k], blocks[k]);
                }
                off += blocks[k];
            }
            return grads;
        });
    }

    /** The inputs' common shape with the concatenation axis summed; other axes must agree. */
    @Override
    public int[] outputShape(int[][] inputShapes) {
        int rank = inputShapes[0].length;
        int ax = axis < 0 ? rank + axis : axis;
        if (ax <= 0 || ax >= rank) {
            throw new IllegalArgumentException("Concatenate axis " + axis + " is invalid for rank " + rank);
        }
        int[] outShape = inputShapes[0].clone();
        outShape[ax] = 0;
        for (int[] s : inputShapes) {
            for (int d = 0; d < rank; d++) {
                if (d != ax && (s.length != rank || s[d] != inputShapes[0][d])) {
                    throw new IllegalArgumentException("Concatenate on axis " + axis + " got shapes that differ elsewhere: "
                            + Arrays.toString(inputShapes[0]) + " and " + Arrays.toString(s));
                }
            }
            outShape[ax] += s[ax];
        }
        return outShape;
    }

    @Override
    public String describe() {
        return "Concatenate(axis " + axis + ")";
    }
}
