package io.gradcam4j.spark;

import io.gradcam4j.cam.ImageFormatException;
import io.gradcam4j.cam.ImageLoader;
import org.apache.spark.sql.Row;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;

/**
 * Reads the image of one row from the input column: a file's bytes (the {@code binaryFile}
 * source's {@code content}), decoded by the library's {@link ImageLoader} with its bomb and
 * damage checks, exactly as {@code gradcam explain} reads the file; or the {@code image} source's
 * struct (already decoded by Spark: BGR(A) bytes, row by row), re-encoded losslessly as PNG and
 * then read the same way, so that both sources go through one resize and conversion.
 *
 * @param column the input column's index in the row
 * @param imageStruct true for the {@code image} source's struct, false for file bytes
 * @param nameColumn the index of a column naming the row's image (the {@code path} of
 *     {@code binaryFile}), or -1
 */
record ImageInput(int column, boolean imageStruct, int nameColumn) implements Serializable {

    /** What messages call the row's image. */
    String name(Row row) {
        if (nameColumn >= 0 && !row.isNullAt(nameColumn)) {
            return row.get(nameColumn).toString();
        }
        if (imageStruct && !row.isNullAt(column)) {
            Row s = row.getStruct(column);
            return s.isNullAt(s.fieldIndex("origin")) ? "image" : s.getString(s.fieldIndex("origin"));
        }
        return "image";
    }

    ImageLoader.LoadedImage load(Row row, ImageLoader.Options options) throws IOException {
        String name = name(row);
        if (row.isNullAt(column)) {
            throw new ImageFormatException(name + ": the input column is null (an image the source could not read)");
        }
        byte[] bytes = imageStruct ? pngOf(row.getStruct(column), name) : (byte[]) row.get(column);
        return ImageLoader.load(bytes, name, options);
    }

    /** The {@code image} source's struct as PNG bytes. */
    private static byte[] pngOf(Row image, String name) throws IOException {
        int h = image.getInt(image.fieldIndex("height"));
        int w = image.getInt(image.fieldIndex("width"));
        int channels = image.getInt(image.fieldIndex("nChannels"));
        byte[] data = (byte[]) image.get(image.fieldIndex("data"));
        if (h < 1 || w < 1 || (channels != 1 && channels != 3 && channels != 4)
                || data == null || (long) h * w * channels != data.length) {
            throw new ImageFormatException(name + ": an image struct of " + w + "x" + h + "x" + channels + " with "
                    + (data == null ? 0 : data.length) + " bytes of data (an image the source could not read)");
        }
        BufferedImage img = new BufferedImage(w, h, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY
                : channels == 3 ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
        for (int y = 0, i = 0; y < h; y++) {
            for (int x = 0; x < w; x++, i += channels) {
                if (channels == 1) {
                    img.getRaster().setSample(x, y, 0, data[i] & 0xff);
                } else {
                    int b = data[i] & 0xff;
                    int g = data[i + 1] & 0xff;
                    int r = data[i + 2] & 0xff;
                    int a = channels == 4 ? data[i + 3] & 0xff : 0xff;
                    img.setRGB(x, y, a << 24 | r << 16 | g << 8 | b);
                }
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        return png.toByteArray();
    }
}
