package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

import java.util.Arrays;

/**
 * Keras Reshape (target shape without the batch axis, at most one -1) and Flatten (target
 * {@code [-1]}). Row-major order is kept, so NHWC Flatten matches Keras's channels_last Flatten.
 */
public final class Reshape implements Op {
    private final int[] target;

    public Reshape(int... target) {
        if (Arrays.stream(target).filter(d -> d == -1).count() > 1) {
            throw new IllegalArgumentException("Reshape target " + Arrays.toString(target) + " has more than one -1");
        }
        this.target = target.clone();
    }

    public static Reshape flatten() {
        return new Reshape(-1);
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Tensor x = inputs[0];
        int[] inShape = x.shape();
        int[] out = outputShape(new int[][] {inShape});
        Tensor y = x.reshape(out);
        return new Step(y, (dy, weightGrads) -> new Tensor[] {dy.reshape(inShape)});
    }

    /** The batch axis kept, then the target with its -1 resolved. */
    @Override
    public int[] outputShape(int[][] inputShapes) {
        int[] inShape = inputShapes[0];
        long size = Tensor.sizeOf(inShape);
        int perItem = (int) (size / inShape[0]);
        int[] out = new int[target.length + 1];
        out[0] = inShape[0];
        int known = 1;
        int free = -1;
        for (int i = 0; i < target.length; i++) {
            out[i + 1] = target[i];
            if (target[i] == -1) {
                free = i + 1;
            } else {
                known *= target[i];
            }
        }
        if (free >= 0 && known > 0 && perItem % known == 0) {
            out[free] = perItem / known;
        }
        // an unresolved -1 (or a 0) must reach this message, not Tensor.sizeOf's generic one
        if (Arrays.stream(out).anyMatch(d -> d <= 0) || Tensor.sizeOf(out) != size) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(inShape) + " to "
                    + Arrays.toString(target) + " (per-sample size " + perItem + ")");
        }
        return out;
    }

    @Override
    public String describe() {
        return Arrays.equals(target, new int[] {-1}) ? "Flatten" : "Reshape" + Arrays.toString(target);
    }
}
