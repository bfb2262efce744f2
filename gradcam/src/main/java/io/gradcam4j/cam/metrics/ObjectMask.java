package io.gradcam4j.cam.metrics;

import io.gradcam4j.engine.errors.InvalidRequestException;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/**
 * Where the object is in an image, pixel by pixel, at the image's own resolution: from a mask
 * image (any non-zero sample is object, as in the Pascal VOC and COCO masks people export) or
 * from a bounding box. Localisation metrics compare a map with it.
 */
public final class ObjectMask {
    private final int width;
    private final int height;
    private final boolean[] inside;
    private final int area;

    private ObjectMask(int width, int height, boolean[] inside) {
        if (width <= 0 || height <= 0 || inside.length != (long) width * height) {
            throw new InvalidRequestException("a mask of " + width + "x" + height + " needs " + (long) width * height
                    + " pixels, got " + inside.length);
        }
        this.width = width;
        this.height = height;
        this.inside = inside;
        int n = 0;
        for (boolean b : inside) {
            n += b ? 1 : 0;
        }
        this.area = n;
    }

    /** @param inside row-major, {@code width * height} entries, true on the object */
    public static ObjectMask of(int width, int height, boolean[] inside) {
        return new ObjectMask(width, height, inside.clone());
    }

    /**
     * The pixels of a box, {@code x0 <= x < x1}, {@code y0 <= y < y1}, clipped to the image. A
     * box that is inverted or lies wholly outside the image is refused.
     */
    public static ObjectMask box(int width, int height, int x0, int y0, int x1, int y1) {
        if (x1 <= x0 || y1 <= y0) {
            throw new InvalidRequestException("a box needs x0 < x1 and y0 < y1, got (" + x0 + ", " + y0 + ", " + x1
                    + ", " + y1 + ")");
        }
        int cx0 = Math.max(0, x0);
        int cy0 = Math.max(0, y0);
        int cx1 = Math.min(width, x1);
        int cy1 = Math.min(height, y1);
        if (cx1 <= cx0 || cy1 <= cy0) {
            throw new InvalidRequestException("the box (" + x0 + ", " + y0 + ", " + x1 + ", " + y1
                    + ") lies outside the " + width + "x" + height + " image");
        }
        boolean[] in = new boolean[width * height];
        for (int y = cy0; y < cy1; y++) {
            java.util.Arrays.fill(in, y * width + cx0, y * width + cx1, true);
        }
        return new ObjectMask(width, height, in);
    }

    /** A mask image: a pixel is object when any of its samples (gray, RGB or alpha) is non-zero. */
    public static ObjectMask fromImage(BufferedImage image) {
        Raster r = image.getRaster();
        int w = image.getWidth();
        int h = image.getHeight();
        int bands = r.getNumBands();
        boolean[] in = new boolean[w * h];
        int[] row = new int[w * bands];
        for (int y = 0; y < h; y++) {
            r.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                for (int b = 0; b < bands; b++) {
                    if (row[x * bands + b] != 0) {
                        in[y * w + x] = true;
                        break;
                    }
                }
            }
        }
        return new ObjectMask(w, h, in);
    }

    /**
     * This mask at another size, nearest neighbour with pixel centres aligned (Pillow's NEAREST),
     * for a mask saved at another resolution than its image.
     */
    public ObjectMask resizedTo(int newWidth, int newHeight) {
        if (newWidth == width && newHeight == height) {
            return this;
        }
        boolean[] in = new boolean[newWidth * newHeight];
        for (int y = 0; y < newHeight; y++) {
            int sy = Math.min(height - 1, (int) ((y + 0.5) * height / newHeight));
            for (int x = 0; x < newWidth; x++) {
                int sx = Math.min(width - 1, (int) ((x + 0.5) * width / newWidth));
                in[y * newWidth + x] = inside[sy * width + sx];
            }
        }
        return new ObjectMask(newWidth, newHeight, in);
    }

    public boolean contains(int x, int y) {
        return inside[y * width + x];
    }

    /** Pixels on the object. */
    public int area() {
        return area;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }
}
