package io.gradcam4j.demo;

import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.train.Examples;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generated RGB images of one object — a circle, square, triangle, star or cross of random size,
 * rotation, colour and position — on a cluttered background: a colour gradient, soft colour
 * blobs (no edges), stripes, long thin lines and pixel noise, all in colours other than the
 * object's. Nothing in the clutter has the shape of a class, so a classifier must look at the
 * object; the object's mask and bounding box come with each image to check where it looked.
 *
 * <p>Deterministic: sample {@code i} of a split is a function of (seed, split, i) only, so the
 * train and test splits never share a sample and any sample can be regenerated alone. The scene
 * is drawn in unit coordinates, so the same sample can be rendered at any size (the pixel noise
 * differs between sizes, the geometry does not).
 */
public final class ShapesDataset {
    /** The class names, in class-index order. */
    public static final List<String> CLASSES = List.of("circle", "square", "triangle", "star", "cross");

    public enum Split { TRAIN, TEST }

    private static final int SUPERSAMPLE = 4;
    /** Shapes stand upright (a triangle and a star point up), tilted by at most this much. */
    public static final double MAX_TILT_DEGREES = 12;

    private final long seed;
    private final int size;
    private final double clutter;

    /** @param size the image height and width in pixels */
    public ShapesDataset(long seed, int size) {
        this(seed, size, 1.0);
    }

    /**
     * @param clutter 1 for the full background clutter, 0 for a plain gradient with noise only,
     *     in between for fewer and fainter clutter (a curriculum)
     */
    public ShapesDataset(long seed, int size, double clutter) {
        if (!(clutter >= 0 && clutter <= 1)) {
            throw new IllegalArgumentException("clutter must be in [0, 1], got " + clutter);
        }
        this.clutter = clutter;
        if (size < 16) {
            throw new IllegalArgumentException("images must be at least 16 pixels, got " + size);
        }
        this.seed = seed;
        this.size = size;
    }

    public int size() {
        return size;
    }

    public long seed() {
        return seed;
    }

    /**
     * One image.
     *
     * @param label the class index
     * @param size height and width
     * @param rgb {@code size * size * 3} bytes, row-major RGB
     * @param mask {@code size * size}: the object covers at least half of the pixel
     * @param box the object's bounding box in pixels, {@code {x0, y0, x1, y1}} with x1, y1
     *     exclusive: every pixel the object touches at all
     */
    public record Sample(int label, int size, byte[] rgb, boolean[] mask, int[] box) {

        public String className() {
            return CLASSES.get(label);
        }

        /** Pixels 0..255 as float, shape (1, size, size, 3): the model's input (it rescales inside). */
        public Tensor pixels() {
            float[] d = new float[rgb.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = rgb[i] & 0xff;
            }
            return Tensor.of(d, 1, size, size, 3);
        }

        public boolean inBox(int x, int y) {
            return x >= box[0] && x < box[2] && y >= box[1] && y < box[3];
        }

        public boolean inMask(int x, int y) {
            return mask[y * size + x];
        }

        public BufferedImage image() {
            BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            for (int p = 0; p < size * size; p++) {
                int rgbValue = (rgb[3 * p] & 0xff) << 16 | (rgb[3 * p + 1] & 0xff) << 8 | (rgb[3 * p + 2] & 0xff);
                img.setRGB(p % size, p / size, rgbValue);
            }
            return img;
        }
    }

    /** Sample {@code index} of {@code split}; its class is {@code index % CLASSES.size()} (balanced). */
    public Sample sample(Split split, int index) {
        return render(scene(split, index), size, clutter);
    }

    /** The same scene as {@link #sample} drawn at another size (e.g. a larger demo picture). */
    public Sample sample(Split split, int index, int pixels) {
        return render(scene(split, index), pixels, clutter);
    }

    /**
     * {@code count} samples of a split from {@code from} on, as training examples (kept as bytes,
     * converted to floats 0..255 per batch).
     */
    public Examples examples(Split split, int from, int count) {
        byte[][] images = new byte[count][];
        int[] labels = new int[count];
        java.util.stream.IntStream.range(0, count).parallel().forEach(k -> {
            Sample s = sample(split, from + k);
            images[k] = s.rgb();
            labels[k] = s.label();
        });
        int per = size * size * 3;
        return new Examples() {
            @Override
            public int size() {
                return count;
            }

            @Override
            public int label(int i) {
                return labels[i];
            }

            @Override
            public Tensor batch(int[] indices) {
                float[] d = new float[indices.length * per];
                for (int k = 0; k < indices.length; k++) {
                    byte[] img = images[indices[k]];
                    for (int j = 0; j < per; j++) {
                        d[k * per + j] = img[j] & 0xff;
                    }
                }
                return Tensor.of(d, indices.length, size, size, 3);
            }
        };
    }

    // ---- the scene, in unit coordinates ([0, 1] x [0, 1]) -----------------------------------------

    private record Line(double x0, double y0, double x1, double y1, double width, double[] colour) {
    }

    private record Blob(double x, double y, double sigma, double alpha, double[] colour) {
    }

    private record Stripes(double angle, double period, double duty, double phase, double alpha, double[] colour) {
    }

    private record Scene(int label, double[] bgA, double[] bgB, double gradAngle, List<Blob> blobs, Stripes stripes,
                         List<Line> lines, double cx, double cy, double radius, double rotation, double[] colour,
                         double noise, long noiseSeed) {
    }

    private Scene scene(Split split, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("sample index must be >= 0, got " + index);
        }
        SplittableRandom r = new SplittableRandom(mix(seed, split.ordinal(), index));
        int label = index % CLASSES.size();
        double[] colour = randomColour(r);
        // The object differs from the background in brightness too, not only in hue.
        double[] bgA = colourAwayFrom(r, colour, 110, 60);
        double[] bgB = colourAwayFrom(r, colour, 110, 60);
        double gradAngle = r.nextDouble(2 * Math.PI);
        java.util.ArrayList<Blob> blobs = new java.util.ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            blobs.add(new Blob(r.nextDouble(), r.nextDouble(), 0.08 + r.nextDouble(0.15), 0.4 + r.nextDouble(0.5),
                    colourAwayFrom(r, colour, 90, 0)));
        }
        Stripes stripes = r.nextDouble() < 0.5 ? null : new Stripes(r.nextDouble(Math.PI), 0.06 + r.nextDouble(0.14),
                0.25 + r.nextDouble(0.5), r.nextDouble(), 0.25 + r.nextDouble(0.5), colourAwayFrom(r, colour, 90, 0));
        java.util.ArrayList<Line> lines = new java.util.ArrayList<>();
        for (int i = r.nextInt(5); i > 0; i--) {
            // Long lines: from a point on the border region across the image.
            double a = r.nextDouble(2 * Math.PI);
            double mx = r.nextDouble();
            double my = r.nextDouble();
            double half = 0.3 + r.nextDouble(0.5);
            lines.add(new Line(mx - half * Math.cos(a), my - half * Math.sin(a), mx + half * Math.cos(a),
                    my + half * Math.sin(a), 0.012 + r.nextDouble(0.025), colourAwayFrom(r, colour, 90, 0)));
        }
        double radius = 0.18 + r.nextDouble(0.15);
        double margin = 1.1 * radius + 0.02;
        double cx = margin + r.nextDouble(1 - 2 * margin);
        double cy = margin + r.nextDouble(1 - 2 * margin);
        double rotation = Math.toRadians(r.nextDouble(-MAX_TILT_DEGREES, MAX_TILT_DEGREES));   // upright, slightly tilted
        double noise = 4 + r.nextDouble(14);
        return new Scene(label, bgA, bgB, gradAngle, blobs, stripes, lines, cx, cy, radius, rotation, colour, noise,
                r.nextLong());
    }

    private static long mix(long seed, int split, int index) {
        long z = seed * 0x9E3779B97F4A7C15L + (split + 1) * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static double[] randomColour(SplittableRandom r) {
        return new double[] {r.nextDouble(256), r.nextDouble(256), r.nextDouble(256)};
    }

    /**
     * A random colour at least {@code distance} away (Euclidean RGB) from {@code other} and at least
     * {@code brightness} away from it in luma (0.299 R + 0.587 G + 0.114 B).
     */
    private static double[] colourAwayFrom(SplittableRandom r, double[] other, double distance, double brightness) {
        while (true) {
            double[] c = randomColour(r);
            if (Math.abs(luma(c) - luma(other)) < brightness) {
                continue;
            }
            double dr = c[0] - other[0];
            double dg = c[1] - other[1];
            double db = c[2] - other[2];
            if (dr * dr + dg * dg + db * db >= distance * distance) {
                return c;
            }
        }
    }

    private static double luma(double[] c) {
        return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
    }

    // ---- drawing -----------------------------------------------------------------------------------

    private static Sample render(Scene s, int n, double clutter) {
        double[] img = new double[n * n * 3];
        double ga = Math.cos(s.gradAngle());
        double gb = Math.sin(s.gradAngle());
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                double u = (x + 0.5) / n;
                double v = (y + 0.5) / n;
                double t = Math.min(1, Math.max(0, 0.5 + (u - 0.5) * ga + (v - 0.5) * gb));
                int p = (y * n + x) * 3;
                for (int c = 0; c < 3; c++) {
                    img[p + c] = s.bgA()[c] * (1 - t) + s.bgB()[c] * t;
                }
                for (Blob b : s.blobs()) {
                    double d2 = (u - b.x()) * (u - b.x()) + (v - b.y()) * (v - b.y());
                    blend(img, p, b.colour(), clutter * b.alpha() * Math.exp(-d2 / (2 * b.sigma() * b.sigma())));
                }
                if (s.stripes() != null) {
                    Stripes st = s.stripes();
                    double along = u * Math.cos(st.angle()) + v * Math.sin(st.angle());
                    double phase = along / st.period() + st.phase();
                    double f = phase - Math.floor(phase);
                    // Soft-edged bands: one pixel of anti-aliasing.
                    double edge = 1.0 / (n * st.period());
                    double inside = smoothBand(f, st.duty(), edge);
                    blend(img, p, st.colour(), clutter * st.alpha() * inside);
                }
                for (Line l : s.lines()) {
                    double d = segmentDistance(u, v, l);
                    double cover = Math.min(1, Math.max(0, (l.width() / 2 - d) * n + 0.5));
                    blend(img, p, l.colour(), clutter * cover);
                }
            }
        }
        // The object, with coverage by supersampling.
        double[][] poly = polygon(s);
        boolean[] mask = new boolean[n * n];
        int x0 = n;
        int y0 = n;
        int x1 = 0;
        int y1 = 0;
        double reach = 1.2 * s.radius();   // beyond every vertex (the square's corners are at 1.06 r)
        int loX = Math.max(0, (int) Math.floor((s.cx() - reach) * n) - 1);
        int hiX = Math.min(n - 1, (int) Math.ceil((s.cx() + reach) * n) + 1);
        int loY = Math.max(0, (int) Math.floor((s.cy() - reach) * n) - 1);
        int hiY = Math.min(n - 1, (int) Math.ceil((s.cy() + reach) * n) + 1);
        for (int y = loY; y <= hiY; y++) {
            for (int x = loX; x <= hiX; x++) {
                int hits = 0;
                for (int sy = 0; sy < SUPERSAMPLE; sy++) {
                    for (int sx = 0; sx < SUPERSAMPLE; sx++) {
                        double u = (x + (sx + 0.5) / SUPERSAMPLE) / n;
                        double v = (y + (sy + 0.5) / SUPERSAMPLE) / n;
                        if (inside(s, poly, u, v)) {
                            hits++;
                        }
                    }
                }
                if (hits == 0) {
                    continue;
                }
                double cover = hits / (double) (SUPERSAMPLE * SUPERSAMPLE);
                blend(img, (y * n + x) * 3, s.colour(), cover);
                mask[y * n + x] = cover >= 0.5;
                x0 = Math.min(x0, x);
                y0 = Math.min(y0, y);
                x1 = Math.max(x1, x + 1);
                y1 = Math.max(y1, y + 1);
            }
        }
        SplittableRandom noise = new SplittableRandom(s.noiseSeed() ^ n);
        byte[] rgb = new byte[img.length];
        for (int i = 0; i < img.length; i++) {
            double v = img[i] + gaussian(noise) * s.noise();
            rgb[i] = (byte) Math.min(255, Math.max(0, Math.round(v)));
        }
        return new Sample(s.label(), n, rgb, mask, new int[] {x0, y0, x1, y1});
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller from two uniform draws: deterministic for the generator's state.
        double u1 = 1 - r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static double smoothBand(double f, double duty, double edge) {
        double a = Math.min(1, Math.max(0, (f) / edge + 0.5)) * Math.min(1, Math.max(0, (duty - f) / edge + 0.5));
        return Math.min(1, Math.max(0, a));
    }

    private static void blend(double[] img, int p, double[] colour, double alpha) {
        if (alpha <= 0) {
            return;
        }
        for (int c = 0; c < 3; c++) {
            img[p + c] = img[p + c] * (1 - alpha) + colour[c] * alpha;
        }
    }

    private static double segmentDistance(double u, double v, Line l) {
        double dx = l.x1() - l.x0();
        double dy = l.y1() - l.y0();
        double t = ((u - l.x0()) * dx + (v - l.y0()) * dy) / (dx * dx + dy * dy);
        t = Math.min(1, Math.max(0, t));
        double px = l.x0() + t * dx - u;
        double py = l.y0() + t * dy - v;
        return Math.sqrt(px * px + py * py);
    }

    private static boolean inside(Scene s, double[][] poly, double u, double v) {
        if (poly == null) {
            double dx = u - s.cx();
            double dy = v - s.cy();
            return dx * dx + dy * dy <= s.radius() * s.radius();
        }
        boolean in = false;
        double[] xs = poly[0];
        double[] ys = poly[1];
        for (int i = 0, j = xs.length - 1; i < xs.length; j = i++) {
            if ((ys[i] > v) != (ys[j] > v) && u < (xs[j] - xs[i]) * (v - ys[i]) / (ys[j] - ys[i]) + xs[i]) {
                in = !in;
            }
        }
        return in;
    }

    /** The object's outline as {x[], y[]} in unit coordinates; {@code null} for the circle. */
    private static double[][] polygon(Scene s) {
        double[][] local;   // vertices around (0, 0), outer radius 1
        switch (CLASSES.get(s.label())) {
            case "circle":
                return null;
            case "square": {
                double h = 0.75;
                local = new double[][] {{-h, h, h, -h}, {-h, -h, h, h}};
                break;
            }
            case "triangle": {
                local = regular(3, 1, 1);
                break;
            }
            case "star": {
                local = regular(5, 1, 0.42);
                break;
            }
            case "cross": {
                double a = 0.3;
                double l = 0.95;
                local = new double[][] {
                    {-a, a, a, l, l, a, a, -a, -a, -l, -l, -a},
                    {-l, -l, -a, -a, a, a, l, l, a, a, -a, -a}};
                break;
            }
            default:
                throw new IllegalStateException();
        }
        double c = Math.cos(s.rotation());
        double sn = Math.sin(s.rotation());
        int k = local[0].length;
        double[][] out = new double[2][k];
        for (int i = 0; i < k; i++) {
            double x = local[0][i] * s.radius();
            double y = local[1][i] * s.radius();
            out[0][i] = s.cx() + x * c - y * sn;
            out[1][i] = s.cy() + x * sn + y * c;
        }
        return out;
    }

    /** A regular polygon (inner == outer) or a star (points alternate between the two radii). */
    private static double[][] regular(int points, double outer, double inner) {
        boolean star = inner != outer;
        int k = star ? 2 * points : points;
        double[][] v = new double[2][k];
        for (int i = 0; i < k; i++) {
            double a = -Math.PI / 2 + 2 * Math.PI * i / k;
            double r = star && i % 2 == 1 ? inner : outer;
            v[0][i] = r * Math.cos(a);
            v[1][i] = r * Math.sin(a);
        }
        return v;
    }
}
