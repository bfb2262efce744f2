package io.gradcam4j.demo;

/**
 * An RGB picture of {@code n x n} pixels being painted, values in doubles (0..255, clamped only
 * when the picture is turned into bytes). Painters work in unit coordinates: pixel {@code (x, y)}
 * has its centre at {@code ((x + 0.5) / n, (y + 0.5) / n)}, so a scene looks the same at any size.
 */
final class Canvas {
    final int n;
    final double[] rgb;

    Canvas(int n) {
        this.n = n;
        this.rgb = new double[n * n * 3];
    }

    /** The unit coordinate of the centre of pixel column (or row) {@code i}. */
    double unit(int i) {
        return (i + 0.5) / n;
    }

    /** Mixes {@code colour} into pixel {@code (x, y)} with weight {@code alpha} (0 leaves it, 1 replaces it). */
    void blend(int x, int y, double[] colour, double alpha) {
        if (alpha <= 0) {
            return;
        }
        double a = Math.min(1, alpha);
        int p = (y * n + x) * 3;
        for (int c = 0; c < 3; c++) {
            rgb[p + c] = rgb[p + c] * (1 - a) + colour[c] * a;
        }
    }

    void set(int x, int y, double[] colour) {
        int p = (y * n + x) * 3;
        rgb[p] = colour[0];
        rgb[p + 1] = colour[1];
        rgb[p + 2] = colour[2];
    }

    /**
     * A straight segment from {@code (x0, y0)} to {@code (x1, y1)} of width {@code width} (unit
     * coordinates), anti-aliased over one pixel; only the pixels near it are visited.
     */
    void segment(double x0, double y0, double x1, double y1, double width, double[] colour, double alpha) {
        double reach = width / 2 + 1.5 / n;
        int loX = Math.max(0, (int) Math.floor((Math.min(x0, x1) - reach) * n));
        int hiX = Math.min(n - 1, (int) Math.ceil((Math.max(x0, x1) + reach) * n));
        int loY = Math.max(0, (int) Math.floor((Math.min(y0, y1) - reach) * n));
        int hiY = Math.min(n - 1, (int) Math.ceil((Math.max(y0, y1) + reach) * n));
        double dx = x1 - x0;
        double dy = y1 - y0;
        double len2 = dx * dx + dy * dy;
        for (int y = loY; y <= hiY; y++) {
            for (int x = loX; x <= hiX; x++) {
                double u = unit(x);
                double v = unit(y);
                double t = len2 == 0 ? 0 : Math.min(1, Math.max(0, ((u - x0) * dx + (v - y0) * dy) / len2));
                double d = length(x0 + t * dx - u, y0 + t * dy - v);
                double cover = Math.min(1, Math.max(0, (width / 2 - d) * n + 0.5));
                blend(x, y, colour, alpha * cover);
            }
        }
    }

    /** A filled disc, anti-aliased over one pixel. */
    void disc(double cx, double cy, double r, double[] colour, double alpha) {
        int loX = Math.max(0, (int) Math.floor((cx - r) * n) - 1);
        int hiX = Math.min(n - 1, (int) Math.ceil((cx + r) * n) + 1);
        int loY = Math.max(0, (int) Math.floor((cy - r) * n) - 1);
        int hiY = Math.min(n - 1, (int) Math.ceil((cy + r) * n) + 1);
        for (int y = loY; y <= hiY; y++) {
            for (int x = loX; x <= hiX; x++) {
                double d = length(unit(x) - cx, unit(y) - cy);
                blend(x, y, colour, alpha * Math.min(1, Math.max(0, (r - d) * n + 0.5)));
            }
        }
    }

    /** The length of {@code (dx, dy)}: plain {@code sqrt} (Math.hypot guards overflow at several times the cost). */
    static double length(double dx, double dy) {
        return Math.sqrt(dx * dx + dy * dy);
    }

    /** RGB bytes ({@code n * n * 3}) as a picture, written straight into its pixel array. */
    static java.awt.image.BufferedImage toImage(byte[] rgb, int n) {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(n, n,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        int[] packed = ((java.awt.image.DataBufferInt) img.getRaster().getDataBuffer()).getData();
        for (int p = 0; p < n * n; p++) {
            packed[p] = (rgb[3 * p] & 0xff) << 16 | (rgb[3 * p + 1] & 0xff) << 8 | (rgb[3 * p + 2] & 0xff);
        }
        return img;
    }

    /** A picture's pixels as RGB bytes. */
    static byte[] fromImage(java.awt.image.BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] packed = img.getRGB(0, 0, w, h, null, 0, w);
        byte[] out = new byte[w * h * 3];
        for (int p = 0; p < w * h; p++) {
            out[3 * p] = (byte) (packed[p] >> 16);
            out[3 * p + 1] = (byte) (packed[p] >> 8);
            out[3 * p + 2] = (byte) packed[p];
        }
        return out;
    }

    /** The picture as bytes, rounded and clamped to 0..255. */
    byte[] toBytes() {
        byte[] out = new byte[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            out[i] = (byte) Math.min(255, Math.max(0, Math.round(rgb[i])));
        }
        return out;
    }
}
