package io.gradcam4j.cam.audit;

import io.gradcam4j.cam.ImageLoader;
import io.gradcam4j.cam.metrics.ObjectMask;

import java.io.IOException;

/**
 * An object mask read from a mask image (non-zero = object) for an image of a given size: decoded
 * with the images' own guards (bombs, damage) and resized as Pillow's NEAREST when its size
 * differs. Shared by {@code gradcam audit --masks} and the Spark audit.
 */
public final class MaskImage {

    /** The object, or {@code null} with a note saying why there is none; the note also says when the mask was resized. */
    public record Region(ObjectMask mask, String note) {
    }

    private MaskImage() {
    }

    /**
     * @param bytes the mask file's content
     * @param name the mask file's name, for messages
     * @param width the image's width, which the mask is resized to
     */
    public static Region read(byte[] bytes, String name, int width, int height, long maxPixels) throws IOException {
        ImageLoader.LoadedImage m = ImageLoader.load(bytes, name, new ImageLoader.Options(height, width, 3,
                ImageLoader.Interpolation.NEAREST, false, maxPixels));
        float[] d = m.pixels().data();
        boolean[] inside = new boolean[width * height];
        for (int i = 0; i < inside.length; i++) {
            inside[i] = d[3 * i] != 0 || d[3 * i + 1] != 0 || d[3 * i + 2] != 0;
        }
        ObjectMask mask = ObjectMask.of(width, height, inside);
        String file = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        if (mask.area() == 0) {
            return new Region(null, "empty-mask (" + file + " marks no pixel as object)");
        }
        int mw = m.original().getWidth();
        int mh = m.original().getHeight();
        String note = mw == width && mh == height ? null
                : "mask resized from " + mw + "x" + mh + " to the image's " + width + "x" + height;
        return new Region(mask, note);
    }
}
