package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

/**
 * Cuts the central window out of each image, as Keras's CenterCrop layer and the
 * {@code crop_to_aspect_ratio} option of Resizing do. The gradient pads the cut borders back
 * with zeros.
 *
 * <p>{@link #toSize} keeps a {@code height x width} window (offsets rounded down, as Keras);
 * an image smaller than that is instead cropped to the target aspect ratio and resized
 * bilinearly, which is what Keras's CenterCrop does then. {@link #toAspectRatio} keeps the
 * largest central window with the aspect ratio of {@code height x width}.
 */
public final class CenterCrop implements Op {
    private final int height;
    private final int width;
    private final boolean aspectOnly;

    private CenterCrop(int height, int width, boolean aspectOnly) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("crop size " + height + "x" + width + " must be positive");
        }
        this.height = height;
        this.width = width;
        this.aspectOnly = aspectOnly;
    }

    public static CenterCrop toSize(int height, int width) {
        return new CenterCrop(height, width, false);
    }

    public static CenterCrop toAspectRatio(int height, int width) {
        return new CenterCrop(height, width, true);
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Tensor x = inputs[0];
        x.requireRank(4, describe());
        int h = x.dim(1);
        int w = x.dim(2);
        int cropH;
        int cropW;
        if (aspectOnly) {
            cropH = Math.min(h, (int) ((double) w * height / width));
            cropW = Math.min(w, (int) ((double) h * width / height));
        } else if (h >= height && w >= width) {
            cropH = height;
            cropW = width;
        } else {
            return Chain.of(toAspectRatio(height, width), new Resize(height, width, Resize.Interpolation.BILINEAR))
                    .forward(inputs, mode);
        }
        int top = (h - cropH) / 2;
        int left = (w - cropW) / 2;
        int bottom = h - cropH - top;
        int right = w - cropW - left;
        Tensor y = Borders.crop(x, top, bottom, left, right);
        return new Step(y, (dy, weightGrads) -> new Tensor[] {Borders.pad(dy, top, bottom, left, right)});
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        int[] s = inputShapes[0];
        if (!aspectOnly) {
            return new int[] {s[0], height, width, s[3]};   // cropped, or resized when smaller
        }
        return new int[] {s[0], Math.min(s[1], (int) ((double) s[2] * height / width)),
            Math.min(s[2], (int) ((double) s[1] * width / height)), s[3]};
    }

    @Override
    public String describe() {
        return (aspectOnly ? "CropToAspectRatio(" : "CenterCrop(") + height + "x" + width + ")";
    }
}
