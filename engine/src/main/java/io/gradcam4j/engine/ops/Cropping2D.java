package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

/** Cuts rows and columns off each image; the gradient pads them back with zeros. */
public final class Cropping2D implements Op {
    private final int top;
    private final int bottom;
    private final int left;
    private final int right;

    public Cropping2D(int top, int bottom, int left, int right) {
        if (top < 0 || bottom < 0 || left < 0 || right < 0) {
            throw new IllegalArgumentException("Cropping2D amounts must be >= 0");
        }
        this.top = top;
        this.bottom = bottom;
        this.left = left;
        this.right = right;
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        inputs[0].requireRank(4, "Cropping2D");
        Tensor y = Borders.crop(inputs[0], top, bottom, left, right);
        return new Step(y, (dy, weightGrads) -> new Tensor[] {Borders.pad(dy, top, bottom, left, right)});
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        int[] s = inputShapes[0];
        return new int[] {s[0], s[1] - top - bottom, s[2] - left - right, s[3]};
    }

    @Override
    public String describe() {
        return "Cropping2D((" + top + ", " + bottom + "), (" + left + ", " + right + "))";
    }
}
