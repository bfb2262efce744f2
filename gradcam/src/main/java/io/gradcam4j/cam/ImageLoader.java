package io.gradcam4j.cam;

import io.gradcam4j.engine.Tensor;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Loads an image file as {@code keras.utils.load_img} + {@code img_to_array} would: decoded
 * (JPEG, PNG; grayscale, palette, alpha, 16-bit, CMYK JPEG), converted to RGB or grayscale with
 * Pillow's rules (alpha dropped, luma {@code L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16},
 * CMYK by Pillow's formula), then resized with Pillow's filters, optionally from the centred box
 * of the target aspect ratio ({@code keep_aspect_ratio=True}). Values stay in [0, 255] (16-bit
 * grayscale keeps [0, 65535], as Keras does); the model's preprocessing comes after.
 */
public final class ImageLoader {

    /** Pillow's resampling filters that Keras offers in load_img. */
    public enum Interpolation { NEAREST, BILINEAR }

    /**
     * Pillow's decompression-bomb limit, {@code Image.MAX_IMAGE_PIXELS} (1024^3 / 4 / 3 pixels,
     * about 89.5 MP): larger images are refused from their header, before any pixel is decoded.
     */
    public static final long DEFAULT_MAX_PIXELS = 1024L * 1024 * 1024 / 4 / 3;

    /**
     * @param height target height
     * @param width target width
     * @param channels 3 (RGB) or 1 (grayscale)
     * @param interpolation Keras's default is nearest
     * @param keepAspectRatio crop the centred box of the target aspect ratio before resizing
     * @param maxPixels the largest width x height decoded; a header that declares more is refused
     */
    public record Options(int height, int width, int channels, Interpolation interpolation, boolean keepAspectRatio,
                          long maxPixels) {
        public Options {
            if (height < 1 || width < 1) {
                throw new IllegalArgumentException("target size " + height + "x" + width + " must be positive");
            }
            if (channels != 1 && channels != 3) {
                throw new IllegalArgumentException("images load as 1 (grayscale) or 3 (RGB) channels, not " + channels);
            }
            if (maxPixels < 1) {
                throw new IllegalArgumentException("the pixel limit must be at least 1, got " + maxPixels);
            }
        }

        /** With Pillow's default pixel limit. */
        public Options(int height, int width, int channels, Interpolation interpolation, boolean keepAspectRatio) {
            this(height, width, channels, interpolation, keepAspectRatio, DEFAULT_MAX_PIXELS);
        }
    }

    /**
     * @param original the decoded image in RGB, full size, for overlays
     * @param pixels the model input before preprocessing, (1, height, width, channels)
     */
    public record LoadedImage(BufferedImage original, Tensor pixels) {
    }

    /**
     * Decoded pixels in the Pillow mode they load as: planar, or (8-bit RGB, the common case)
     * packed 0xRRGGBB, 4 bytes a pixel instead of 12, the same array then serving as the original
     * image for the overlays.
     */
    private record Decoded(int width, int height, Mode mode, int[][] planes, int[] packed) {

        Decoded(int width, int height, Mode mode, int[][] planes) {
            this(width, height, mode, planes, null);
        }

        static Decoded packedRgb(int width, int height, int[] argb) {
            return new Decoded(width, height, Mode.RGB, null, argb);
        }

        int channels() {
            return packed != null ? 3 : planes.length;
        }

        /** Channel {@code c}: the plane itself, or a fresh copy unpacked from the packed pixels. */
        int[] plane(int c) {
            if (packed == null) {
                return planes[c];
            }
            int shift = 16 - 8 * c;
            int[] p = new int[packed.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = (packed[i] >> shift) & 0xff;
            }
            return p;
        }
    }

    private enum Mode { L, I, RGB }

    private ImageLoader() {
    }

    public static LoadedImage load(Path file, Options options) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(io.gradcam4j.engine.IoErrors.describe(e), e);
        }
        return load(bytes, file.toString(), options);
    }

    /**
     * The same from the file's bytes (a Spark {@code binaryFile} row's content, an upload), with the
     * same checks; {@code name} says which image in error messages.
     */
    public static LoadedImage load(byte[] bytes, String name, Options options) throws IOException {
        Decoded d = decode(bytes, name, options.maxPixels());
        Decoded converted = options.channels() == 3 ? toRgb(d) : toGray(d);
        double[] box = {0, 0, d.width(), d.height()};
        if (options.keepAspectRatio()) {
            box = centredBox(d.width(), d.height(), options.width(), options.height());
        }
        // one channel at a time: a large photo never has all its planes unpacked at once
        int[][] resized = new int[converted.channels()][];
        for (int ch = 0; ch < resized.length; ch++) {
            resized[ch] = PilResize.resize(new int[][] {converted.plane(ch)}, d.width(), d.height(), options.width(),
                    options.height(), box, options.interpolation() == Interpolation.BILINEAR,
                    converted.mode() == Mode.I)[0];
        }
        int c = resized.length;
        float[] data = new float[options.height() * options.width() * c];
        for (int p = 0; p < options.height() * options.width(); p++) {
            for (int ch = 0; ch < c; ch++) {
                data[p * c + ch] = resized[ch][p];
            }
        }
        return new LoadedImage(toBufferedImage(toRgb(d)), Tensor.of(data, 1, options.height(), options.width(), c));
    }

    /** Keras load_img's crop box for keep_aspect_ratio=True (integer arithmetic as in Keras). */
    private static double[] centredBox(int width, int height, int targetWidth, int targetHeight) {
        int cropHeight = Math.min(height, width * targetHeight / targetWidth);
        int cropWidth = Math.min(width, height * targetWidth / targetHeight);
        int top = (height - cropHeight) / 2;
        int left = (width - cropWidth) / 2;
        return new double[] {left, top, left + cropWidth, top + cropHeight};
    }

    /**
     * The pixels an image's header declares (width x height), read without decoding it, to plan
     * how many images go into one batch; 0 when the header cannot be read (loading the image then
     * says why).
     */
    public static long declaredPixels(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? java.util.Collections.emptyIterator() : ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return 0;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return (long) reader.getWidth(0) * reader.getHeight(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException unreadable) {
            return 0;
        }
    }

    private static Decoded decode(byte[] bytes, String file, long maxPixels) throws IOException {
        // in memory: ImageIO's default stream over a byte array copies it into a temporary file first
        try (ImageInputStream in = new javax.imageio.stream.MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageFormatException(file + " is not an image gradcam4j can read (JPEG or PNG expected)");
            }
            ImageReader reader = readers.next();
            String format = reader.getFormatName().toLowerCase(java.util.Locale.ROOT);
            if (!format.equals("jpeg") && !format.equals("png")) {
                reader.dispose();
                throw new io.gradcam4j.engine.errors.UnsupportedFeatureException(file + " is a "
                        + format.toUpperCase(java.util.Locale.ROOT) + " image; gradcam4j reads JPEG and PNG (convert it first)");
            }
            if (format.equals("png")) {
                PngChunks.requireIntact(file, bytes);
            }
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            reader.setInput(in);
            try {
                refuseBombs(file, reader, maxPixels);
                Decoded d = decode(reader);
                if (!warnings.isEmpty()) {
                    // ImageIO decodes a truncated JPEG with a warning and grey filler; Pillow refuses it.
                    throw new ImageFormatException(file + " is damaged: " + String.join("; ", warnings));
                }
                return d;
            } catch (io.gradcam4j.engine.errors.Gradcam4jException e) {
                throw e;   // already says what is wrong
            } catch (IIOException | RuntimeException e) {
                throw new ImageFormatException(file + " is damaged or truncated: it cannot be decoded as "
                        + reader.getFormatName() + " (" + e.getMessage()
                        + (e.getCause() != null && e.getCause() != e ? ": " + e.getCause() : "") + ")", e);
            } finally {
                reader.dispose();
            }
        }
    }

    /** Refuses, from the header alone, an image of more than {@code maxPixels} pixels (a decompression bomb). */
    private static void refuseBombs(String file, ImageReader reader, long maxPixels) throws IOException {
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > maxPixels) {
            throw new ImageTooLargeException(file + " declares " + reader.getWidth(0) + "x" + reader.getHeight(0)
                    + " = " + pixels + " pixels, more than the limit of " + maxPixels
                    + " (a decompression bomb?); raise it with --max-pixels if the image is genuine");
        }
    }

    private static Decoded decode(ImageReader reader) throws IOException {
        BufferedImage img;
        try {
            img = reader.read(0);
        } catch (IIOException e) {
            if (!reader.canReadRaster()) {
                throw e;   // a PNG that fails to decode is damaged; only JPEG readers hand over raw samples
            }
            // ImageIO cannot colour-convert CMYK/YCCK JPEGs, but it can hand over the raw samples.
            Raster raster = reader.readRaster(0, null);
            if (raster.getNumBands() != 4) {
                throw e;
            }
            return fromAdobeCmyk(raster);
        }
        Raster raster = img.getRaster();
        int w = img.getWidth();
        int h = img.getHeight();
        boolean indexed = img.getColorModel() instanceof IndexColorModel;
        if (raster.getNumBands() == 4 && !img.getColorModel().hasAlpha()) {
            return fromAdobeCmyk(reader.readRaster(0, null));   // the raw inks, not ImageIO's conversion
        }
        if (raster.getNumBands() == 1 && !indexed) {
            int bits = img.getColorModel().getComponentSize(0);
            int[] gray = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            if (bits > 8) {
                return new Decoded(w, h, Mode.I, new int[][] {gray});
            }
            return new Decoded(w, h, Mode.L, new int[][] {gray});
        }
        boolean wide = !indexed && img.getColorModel().getComponentSize(0) > 8;
        if (!wide) {
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < argb.length; i++) {
                argb[i] &= 0xffffff;   // alpha dropped, as Pillow's RGB conversion does
            }
            return Decoded.packedRgb(w, h, argb);
        }
        int[][] rgb = new int[3][w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    rgb[c][y * w + x] = raster.getSample(x, y, c) >> 8;   // Pillow keeps the high byte
                }
            }
        }
        return new Decoded(w, h, Mode.RGB, rgb);
    }

    /** Adobe CMYK JPEGs store inverted inks; Pillow's cmyk2rgb: R = 255 - K - C(255 - K)/255. */
    private static Decoded fromAdobeCmyk(Raster raster) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int[][] rgb = new int[3][w * h];
        int[] px = new int[4];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.getPixel(x, y, px);
                int nk = px[3];                        // 255 - K
                for (int c = 0; c < 3; c++) {
                    int ink = 255 - px[c];
                    int tmp = ink * nk + 128;
                    int mul = ((tmp >> 8) + tmp) >> 8;
                    rgb[c][y * w + x] = Math.max(0, Math.min(255, nk - mul));
                }
            }
        }
        return new Decoded(w, h, Mode.RGB, rgb);
    }

    private static Decoded toRgb(Decoded d) {
        if (d.mode() == Mode.RGB) {
            return d;
        }
        int[] gray = d.plane(0).clone();
        if (d.mode() == Mode.I) {
            for (int i = 0; i < gray.length; i++) {
                gray[i] = Math.max(0, Math.min(255, gray[i]));   // Pillow's I -> L clips
            }
        }
        return new Decoded(d.width(), d.height(), Mode.RGB, new int[][] {gray, gray.clone(), gray.clone()});
    }

    private static Decoded toGray(Decoded d) {
        if (d.mode() != Mode.RGB) {
            return d;
        }
        int[] r = d.plane(0);
        int[] g = d.plane(1);
        int[] b = d.plane(2);
        int[] l = new int[r.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (r[i] * 19595 + g[i] * 38470 + b[i] * 7471 + 0x8000) >> 16;
        }
        return new Decoded(d.width(), d.height(), Mode.L, new int[][] {l});
    }

    private static BufferedImage toBufferedImage(Decoded rgb) {
        if (rgb.packed() != null) {   // the packed pixels become the image, not copied
            java.awt.image.DataBufferInt buffer = new java.awt.image.DataBufferInt(rgb.packed(), rgb.packed().length);
            int[] masks = {0xff0000, 0xff00, 0xff};
            java.awt.image.WritableRaster raster = Raster.createPackedRaster(buffer, rgb.width(), rgb.height(),
                    rgb.width(), masks, null);
            return new BufferedImage(new java.awt.image.DirectColorModel(24, masks[0], masks[1], masks[2]), raster,
                    false, null);
        }
        BufferedImage out = new BufferedImage(rgb.width(), rgb.height(), BufferedImage.TYPE_INT_RGB);
        int[][] p = rgb.planes();
        for (int y = 0; y < rgb.height(); y++) {
            for (int x = 0; x < rgb.width(); x++) {
                int i = y * rgb.width() + x;
                out.setRGB(x, y, (p[0][i] << 16) | (p[1][i] << 8) | p[2][i]);
            }
        }
        return out;
    }
}
