package io.gradcam4j.demo;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;

/**
 * What happens to real pictures after they are drawn: blur, sensor-like noise, a shift of
 * brightness and contrast, faded colours, and JPEG compression. Each is applied to some of the training pictures
 * (at the picture's full size, before the resize to the model's input, as for a file on disk), so
 * that the model does not learn that edges are always crisp and flat areas always flat.
 *
 * @param blurSigma Gaussian blur in pixels, 0 for none
 * @param noiseSigma Gaussian pixel noise, 0 for none
 * @param gain contrast around mid-grey (1 = unchanged)
 * @param offset brightness shift
 * @param saturation colourfulness (1 = unchanged, 0 = gray)
 * @param jpegQuality 1..100, 0 for no JPEG round trip
 */
record Degradation(double blurSigma, double noiseSigma, boolean monoNoise, double gain, double offset,
                   double saturation, int jpegQuality, long noiseSeed) {

    static final Degradation NONE = new Degradation(0, 0, false, 1, 0, 1, 0, 0);

    /**
     * The mix used for training: each degradation on a part of the pictures (those parts scaled
     * by {@code difficulty}: none at 0).
     */
    static Degradation random(SplittableRandom r, double difficulty) {
        double d = difficulty;
        double blur = r.nextDouble() < 0.4 * d ? r.nextDouble(0.4, 1.6) : 0;
        double noise = r.nextDouble() < 0.6 * d ? r.nextDouble(2, 14) : 0;
        boolean mono = r.nextBoolean();
        double gain = 1;
        double offset = 0;
        if (r.nextDouble() < 0.3 * d) {
            gain = r.nextDouble(0.75, 1.25);
            offset = r.nextDouble(-20, 20);
        }
        double saturation = r.nextDouble() < 0.3 * d ? r.nextDouble(0.2, 0.9) : 1;
        int quality = r.nextDouble() < 0.4 * d ? r.nextInt(20, 91) : 0;
        return new Degradation(blur, noise, mono, gain, offset, saturation, quality, r.nextLong());
    }

    /**
     * The same without pixel noise and JPEG: for the textured (shortcut) pictures, whose point is
     * the background, and whose files stay small this way.
     */
    Degradation withoutNoise() {
        return new Degradation(blurSigma, 0, false, gain, offset, saturation, 0, noiseSeed);
    }

    /** Applies the degradations to {@code canvas} in place; returns the final bytes. */
    byte[] apply(Canvas canvas) {
        if (blurSigma > 0) {
            blur(canvas, blurSigma);
        }
        double[] v = canvas.rgb;
        if (saturation != 1) {
            for (int p = 0; p < v.length; p += 3) {
                double l = Colours.luma(new double[] {v[p], v[p + 1], v[p + 2]});
                for (int c = 0; c < 3; c++) {
                    v[p + c] = l + (v[p + c] - l) * saturation;
                }
            }
        }
        if (gain != 1 || offset != 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] = 127.5 + (v[i] - 127.5) * gain + offset;
            }
        }
        if (noiseSigma > 0) {
            SplittableRandom r = new SplittableRandom(noiseSeed);
            for (int p = 0; p < v.length; p += 3) {
                double mono = r.nextGaussian() * noiseSigma;
                for (int c = 0; c < 3; c++) {
                    v[p + c] += monoNoise ? mono : r.nextGaussian() * noiseSigma;
                }
            }
        }
        byte[] bytes = canvas.toBytes();
        return jpegQuality > 0 ? jpeg(bytes, canvas.n, jpegQuality) : bytes;
    }

    /** A separable Gaussian blur, the border repeated. */
    private static void blur(Canvas canvas, double sigma) {
        int radius = (int) Math.ceil(2.5 * sigma);
        double[] k = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            k[i + radius] = Math.exp(-i * i / (2 * sigma * sigma));
            sum += k[i + radius];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        int n = canvas.n;
        double[] src = canvas.rgb;
        double[] tmp = new double[src.length];
        for (int pass = 0; pass < 2; pass++) {   // across into tmp, then down back into the canvas
            double[] from = pass == 0 ? src : tmp;
            double[] to = pass == 0 ? tmp : src;
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    for (int c = 0; c < 3; c++) {
                        double acc = 0;
                        for (int i = -radius; i <= radius; i++) {
                            int xx = pass == 0 ? Math.min(n - 1, Math.max(0, x + i)) : x;
                            int yy = pass == 0 ? y : Math.min(n - 1, Math.max(0, y + i));
                            acc += k[i + radius] * from[(yy * n + xx) * 3 + c];
                        }
                        to[(y * n + x) * 3 + c] = acc;
                    }
                }
            }
        }
    }

    /** A JPEG round trip through ImageIO at {@code quality} (4:2:0 chroma, as most encoders). */
    static byte[] jpeg(byte[] rgb, int n, int quality) {
        BufferedImage img = Canvas.toImage(rgb, n);
        try {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                ImageWriteParam p = writer.getDefaultWriteParam();
                p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                p.setCompressionQuality(quality / 100f);
                writer.write(null, new IIOImage(img, null, null), p);
            } finally {
                writer.dispose();
            }
            return Canvas.fromImage(ImageIO.read(new ByteArrayInputStream(bytes.toByteArray())));
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG round trip in memory failed", e);
        }
    }

}
