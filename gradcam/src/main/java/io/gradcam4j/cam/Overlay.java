package io.gradcam4j.cam;

import io.gradcam4j.engine.Tensor;

import java.awt.image.BufferedImage;

/**
 * Turns a normalized class map into pictures: the map upsampled bilinearly (TF/OpenCV
 * half-pixel centres) to the image size and coloured, and the Keras Grad-CAM example's overlay,
 * {@code image + alpha * heatmap} rescaled to [0, 255] as {@code keras.utils.array_to_img} does
 * (min-max). A map with nothing to show is not painted: its overlay is the image itself.
 */
public final class Overlay {
    private Overlay() {
    }

    /** The map (H, W) in [0, 1] resized to {@code width x height}, values clamped to [0, 1]. */
    public static float[] upsample(Tensor map, int width, int height) {
        UpsampledRows rows = new UpsampledRows(map, width, height);
        float[] up = new float[Math.multiplyExact(width, height)];
        float[] row = new float[width];
        for (int y = 0; y < height; y++) {
            rows.row(y, row);
            System.arraycopy(row, 0, up, y * width, width);
        }
        return up;
    }

    /**
     * The coloured heatmap at the image's size. A signed map ([-1, 1]) is drawn with the
     * diverging {@link Colormap#BWR}, zero at its white centre, whatever {@code colormap} says.
     */
    public static BufferedImage heatmap(ClassMap map, int width, int height, Colormap colormap) {
        HeatRows heat = new HeatRows(map, width, height, colormap);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            heat.row(y, row);
            out.setRGB(0, y, width, 1, row, 0, width);
        }
        return out;
    }

    /** The heatmap's colours, row by row: no full-size map or heatmap image is ever held. */
    private static final class HeatRows {
        private final UpsampledRows values;
        private final Colormap colormap;
        private final float[] row;

        HeatRows(ClassMap map, int width, int height, Colormap colormap) {
            Tensor values = map.normalized();
            if (map.signed()) {
                float[] centred = new float[values.size()];
                for (int i = 0; i < centred.length; i++) {
                    centred[i] = (values.data()[i] + 1f) / 2f;
                }
                values = Tensor.of(centred, values.shape());
                colormap = Colormap.BWR;
            }
            this.values = new UpsampledRows(values, width, height);
            this.colormap = colormap;
            this.row = new float[width];
        }

        void row(int y, int[] rgb) {
            values.row(y, row);
            for (int x = 0; x < rgb.length; x++) {
                rgb[x] = colormap.rgb(row[x]);
            }
        }
    }

    /** One channel of {@code image + alpha * heatmap}, the channel at bit {@code shift} of packed RGB. */
    private static float mixed(int image, int heat, int shift, float alpha) {
        return ((image >> shift) & 0xff) + alpha * ((heat >> shift) & 0xff);
    }

    /** The Keras example's superimposed image: {@code image + alpha * heatmap}, min-max scaled to [0, 255]. */
    public static BufferedImage overlay(BufferedImage image, ClassMap map, Colormap colormap, float alpha) {
        if (!(alpha >= 0f && alpha <= 1f)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        if (!map.status().drawable()) {
            out.getGraphics().drawImage(image, 0, 0, null);
            return out;
        }
        HeatRows heat = new HeatRows(map, w, h, colormap);
        // Two passes over the pixels instead of a float copy of the mixed image (12 bytes a pixel:
        // 768 MB for an 8000 x 8000 photo): the first finds min and max, the second writes. The
        // heatmap's rows are coloured again in each pass rather than kept (4 more bytes a pixel).
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        int[] imgRow = new int[w];
        int[] heatRow = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, imgRow, 0, w);
            heat.row(y, heatRow);
            for (int x = 0; x < w; x++) {
                for (int shift = 16; shift >= 0; shift -= 8) {
                    float v = mixed(imgRow[x], heatRow[x], shift, alpha);
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        float scale = max > min ? 255f / (max - min) : 0f;
        int[] outRow = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, imgRow, 0, w);
            heat.row(y, heatRow);
            for (int x = 0; x < w; x++) {
                int rgb = 0;
                for (int shift = 16; shift >= 0; shift -= 8) {
                    int v = (int) ((mixed(imgRow[x], heatRow[x], shift, alpha) - min) * scale);   // astype(uint8) truncates
                    rgb = (rgb << 8) | Math.min(Math.max(v, 0), 255);
                }
                outRow[x] = rgb;
            }
            out.setRGB(0, y, w, 1, outRow, 0, w);
        }
        return out;
    }
}
