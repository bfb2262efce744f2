package io.gradcam4j.cam;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Colormaps for heatmaps, 256 entries each, taken from matplotlib (colormaps.tsv, written by
 * tools/colormaps/extract.py; {@code bwr}, matplotlib's blue-white-red, is three linear segments
 * and computed here). A value v in [0, 1] takes entry {@code (int) (255 * v)}, as the Keras
 * Grad-CAM example does with {@code np.uint8(255 * heatmap)}. Signed maps use the diverging
 * {@code bwr}: white is zero, blue against the class, red for it.
 */
public enum Colormap {
    JET, TURBO, VIRIDIS, INFERNO, GRAY, BWR;

    private volatile int[] table;

    public static Colormap parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown colormap '" + name + "'; known: jet, turbo, viridis, inferno, gray, bwr");
        }
    }

    /** Packed 0xRRGGBB for a value in [0, 1] (clamped). */
    public int rgb(float v) {
        int i = (int) (255f * Math.min(Math.max(v, 0f), 1f));
        return table()[i];
    }

    private int[] table() {
        int[] t = table;
        if (t == null) {
            t = switch (this) {
                case GRAY -> grayTable();
                case BWR -> blueWhiteRedTable();
                default -> load(name().toLowerCase(Locale.ROOT));
            };
            table = t;
        }
        return t;
    }

    private static int[] grayTable() {
        int[] t = new int[256];
        for (int i = 0; i < 256; i++) {
            t[i] = (i << 16) | (i << 8) | i;
        }
        return t;
    }

    /** matplotlib's {@code bwr}: (0, 0, 1) to (1, 1, 1) to (1, 0, 0), sampled at i / 255. */
    private static int[] blueWhiteRedTable() {
        int[] t = new int[256];
        for (int i = 0; i < 256; i++) {
            double x = i / 255.0;
            double r = x < 0.5 ? 2 * x : 1;
            double gb = x < 0.5 ? 2 * x : 2 * (1 - x);
            double b = x < 0.5 ? 1 : 2 * (1 - x);
            t[i] = (unit(r) << 16) | (unit(gb) << 8) | unit(b);
        }
        return t;
    }

    private static int unit(double v) {
        return (int) Math.round(v * 255);
    }

    private static int[] load(String name) {
        int[] t = new int[256];
        int found = 0;
        try (InputStream in = Colormap.class.getResourceAsStream("colormaps.tsv")) {
            if (in == null) {
                throw new IllegalStateException("colormaps.tsv is missing from the gradcam jar");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split("\t");
                if (line.startsWith("#") || !f[0].equals(name)) {
                    continue;
                }
                int i = Integer.parseInt(f[1]);
                t[i] = (channel(f[2]) << 16) | (channel(f[3]) << 8) | channel(f[4]);
                found++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (found != 256) {
            throw new IllegalStateException("colormap " + name + " has " + found + " entries in colormaps.tsv, not 256");
        }
        return t;
    }

    private static int channel(String unit) {
        return Math.round(Float.parseFloat(unit) * 255f);
    }
}
