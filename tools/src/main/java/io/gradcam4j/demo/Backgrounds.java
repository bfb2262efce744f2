package io.gradcam4j.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The clutter behind the object in the clean dataset: a colour gradient, then one to four layers
 * drawn at random among soft blobs, stripes (straight or wavy), checks and plaids, long crossing
 * lines, short scribbles and arcs, small dots, smooth wave fields (wood, marble, clouds) and
 * speckle. Line crossings, corners of scribbles and round dots are all there so that no local
 * pattern of the background goes with one class: the model has to find the one object that stands
 * out in brightness and read its outline.
 *
 * <p>A background is drawn in two steps: {@link #random} makes every random choice (so that a
 * scene is a function of its seed alone), the returned {@link Painter} draws at any size.
 */
final class Backgrounds {
    /** Draws a background layer onto a canvas. */
    @FunctionalInterface
    interface Painter {
        void paint(Canvas canvas);
    }

    private Backgrounds() {
    }

    /**
     * A random cluttered background in the colours of {@code palette}; lines and scribbles may also
     * take other colours, never close to the object's luma ({@code object}). At {@code difficulty}
     * 1 one to four layers of clutter lie on a gradient, fewer below, none at 0; on a given
     * {@code base} (a texture; {@code null} for a gradient) at most two.
     */
    static Painter random(SplittableRandom r, double[][] palette, double[] object, double difficulty, Painter base) {
        List<Painter> layers = new ArrayList<>();
        layers.add(base != null ? base : gradient(r, palette));
        int most = base != null ? 2 : 1 + (int) Math.round(3 * difficulty);
        int extra = r.nextDouble() < difficulty ? r.nextInt(base != null ? 0 : 1, most + 1) : 0;
        for (int i = 0; i < extra; i++) {
            layers.add(switch (r.nextInt(8)) {
                case 0 -> blobs(r, palette);
                case 1 -> stripes(r, pick(r, palette), r.nextDouble(0.3, 0.9));
                case 2 -> checks(r, pick(r, palette));
                case 3 -> scribbles(r, clutterColours(r, palette, object));
                case 4 -> dots(r, clutterColours(r, palette, object));
                case 5 -> waves(r, pick(r, palette), pick(r, palette));
                case 6 -> speckle(r, palette);
                default -> lines(r, clutterColours(r, palette, object), 2 + r.nextInt(12));
            });
        }
        // Long crossing lines on many pictures, many of them on some.
        if (r.nextDouble() < 0.5 * difficulty) {
            layers.add(lines(r, clutterColours(r, palette, object), r.nextDouble() < 0.4 ? 10 + r.nextInt(16)
                    : 2 + r.nextInt(6)));
        }
        return canvas -> layers.forEach(l -> l.paint(canvas));
    }

    static double[] pick(SplittableRandom r, double[][] palette) {
        return palette[r.nextInt(palette.length)];
    }

    /** Colours for lines and dots: the palette's, or others at least 35 away from the object's luma. */
    private static double[][] clutterColours(SplittableRandom r, double[][] palette, double[] object) {
        if (r.nextBoolean()) {
            return palette;
        }
        double[][] c = new double[2][];
        for (int i = 0; i < c.length; i++) {
            c[i] = Colours.awayFrom(r, new double[][] {object}, 35, 60);
        }
        return c;
    }

    /** A linear gradient between two colours of the palette, at any angle. */
    static Painter gradient(SplittableRandom r, double[][] palette) {
        double[] a = pick(r, palette);
        double[] b = pick(r, palette);
        double angle = r.nextDouble(2 * Math.PI);
        double ga = Math.cos(angle);
        double gb = Math.sin(angle);
        return canvas -> {
            for (int y = 0; y < canvas.n; y++) {
                for (int x = 0; x < canvas.n; x++) {
                    double t = Math.min(1, Math.max(0, 0.5 + (canvas.unit(x) - 0.5) * ga + (canvas.unit(y) - 0.5) * gb));
                    canvas.set(x, y, Colours.mix(a, b, t));
                }
            }
        };
    }

    /** Soft round blobs of colour with no edges. */
    static Painter blobs(SplittableRandom r, double[][] palette) {
        int count = 1 + r.nextInt(5);
        double[][] p = new double[count][];
        double[][] colour = new double[count][];
        for (int i = 0; i < count; i++) {
            p[i] = new double[] {r.nextDouble(), r.nextDouble(), r.nextDouble(0.06, 0.25), r.nextDouble(0.3, 0.9)};
            colour[i] = pick(r, palette);
        }
        return canvas -> {
            for (int y = 0; y < canvas.n; y++) {
                for (int x = 0; x < canvas.n; x++) {
                    for (int i = 0; i < count; i++) {
                        double d2 = sq(canvas.unit(x) - p[i][0]) + sq(canvas.unit(y) - p[i][1]);
                        canvas.blend(x, y, colour[i], p[i][3] * Math.exp(-d2 / (2 * p[i][2] * p[i][2])));
                    }
                }
            }
        };
    }

    /** Parallel bands, straight or wavy, with soft (one pixel) edges. */
    static Painter stripes(SplittableRandom r, double[] colour, double alpha) {
        double angle = r.nextDouble(Math.PI);
        double period = r.nextDouble(0.025, 0.15);
        double duty = r.nextDouble(0.2, 0.7);
        double phase = r.nextDouble();
        double wave = r.nextBoolean() ? 0 : r.nextDouble(0.005, 0.04);
        double waveFreq = r.nextDouble(4, 20);
        return canvas -> {
            for (int y = 0; y < canvas.n; y++) {
                for (int x = 0; x < canvas.n; x++) {
                    double u = canvas.unit(x);
                    double v = canvas.unit(y);
                    double across = -u * Math.sin(angle) + v * Math.cos(angle);
                    double along = u * Math.cos(angle) + v * Math.sin(angle)
                            + wave * Math.sin(2 * Math.PI * waveFreq * across);
                    canvas.blend(x, y, colour, alpha * band(along / period + phase, duty, canvas.n * period));
                }
            }
        };
    }

    /** A checkerboard (two band sets combined by parity) or a plaid (their sum), at any angle. */
    static Painter checks(SplittableRandom r, double[] colour) {
        double angle = r.nextDouble(Math.PI / 2);
        double period = r.nextDouble(0.04, 0.2);
        double alpha = r.nextDouble(0.35, 0.9);
        boolean plaid = r.nextDouble() < 0.35;
        double ox = r.nextDouble();
        double oy = r.nextDouble();
        return canvas -> {
            for (int y = 0; y < canvas.n; y++) {
                for (int x = 0; x < canvas.n; x++) {
                    double u = canvas.unit(x);
                    double v = canvas.unit(y);
                    double a = band((u * Math.cos(angle) + v * Math.sin(angle)) / period + ox, 0.5, canvas.n * period);
                    double b = band((-u * Math.sin(angle) + v * Math.cos(angle)) / period + oy, 0.5,
                            canvas.n * period);
                    double t = plaid ? 0.5 * (a + b) : a + b - 2 * a * b;   // soft XOR
                    canvas.blend(x, y, colour, alpha * t);
                }
            }
        };
    }

    /** Long straight lines across the picture. */
    static Painter lines(SplittableRandom r, double[][] colours, int count) {
        double[][] l = new double[count][];
        double[][] colour = new double[count][];
        for (int i = 0; i < count; i++) {
            double a = r.nextDouble(Math.PI);
            double mx = r.nextDouble();
            double my = r.nextDouble();
            double half = r.nextDouble(0.4, 1.2);
            l[i] = new double[] {mx - half * Math.cos(a), my - half * Math.sin(a), mx + half * Math.cos(a),
                my + half * Math.sin(a), r.nextDouble(0.006, 0.03), r.nextDouble(0.6, 1)};
            colour[i] = pick(r, colours);
        }
        return canvas -> {
            for (int i = 0; i < count; i++) {
                canvas.segment(l[i][0], l[i][1], l[i][2], l[i][3], l[i][4], colour[i], l[i][5]);
            }
        };
    }

    /** Short polylines with sharp corners and circular arcs: corners and curves that belong to no shape. */
    static Painter scribbles(SplittableRandom r, double[][] colours) {
        List<Painter> parts = new ArrayList<>();
        for (int i = 1 + r.nextInt(6); i > 0; i--) {
            double[] colour = pick(r, colours);
            double width = r.nextDouble(0.006, 0.025);
            if (r.nextBoolean()) {
                int segments = 1 + r.nextInt(3);
                double[] xs = new double[segments + 1];
                double[] ys = new double[segments + 1];
                xs[0] = r.nextDouble();
                ys[0] = r.nextDouble();
                double heading = r.nextDouble(2 * Math.PI);
                for (int k = 1; k <= segments; k++) {
                    heading += r.nextDouble(-2.4, 2.4);
                    double len = r.nextDouble(0.05, 0.25);
                    xs[k] = xs[k - 1] + len * Math.cos(heading);
                    ys[k] = ys[k - 1] + len * Math.sin(heading);
                }
                parts.add(canvas -> {
                    for (int k = 1; k < xs.length; k++) {
                        canvas.segment(xs[k - 1], ys[k - 1], xs[k], ys[k], width, colour, 1);
                    }
                });
            } else {
                double cx = r.nextDouble();
                double cy = r.nextDouble();
                double radius = r.nextDouble(0.06, 0.35);
                double start = r.nextDouble(2 * Math.PI);
                double span = r.nextDouble(0.5, 3.5);   // never a whole circle
                parts.add(canvas -> {
                    int steps = 24;
                    for (int k = 0; k < steps; k++) {
                        double a0 = start + span * k / steps;
                        double a1 = start + span * (k + 1) / steps;
                        canvas.segment(cx + radius * Math.cos(a0), cy + radius * Math.sin(a0),
                                cx + radius * Math.cos(a1), cy + radius * Math.sin(a1), width, colour, 1);
                    }
                });
            }
        }
        return canvas -> parts.forEach(p -> p.paint(canvas));
    }

    /** Small dots, far smaller than any object. */
    static Painter dots(SplittableRandom r, double[][] colours) {
        int count = 10 + r.nextInt(110);
        double[][] d = new double[count][];
        double[][] colour = new double[count][];
        double size = r.nextDouble(0.004, 0.018);
        for (int i = 0; i < count; i++) {
            d[i] = new double[] {r.nextDouble(), r.nextDouble(), size * r.nextDouble(0.6, 1.4)};
            colour[i] = pick(r, colours);
        }
        return canvas -> {
            for (int i = 0; i < count; i++) {
                canvas.disc(d[i][0], d[i][1], d[i][2], colour[i], 1);
            }
        };
    }

    /**
     * A smooth field from a few random plane waves, bent, and optionally folded into rings (wood,
     * marble, clouds), shading between two colours.
     */
    static Painter waves(SplittableRandom r, double[] a, double[] b) {
        int k = 3 + r.nextInt(4);
        double[][] w = new double[k][];
        for (int i = 0; i < k; i++) {
            double angle = r.nextDouble(2 * Math.PI);
            double freq = r.nextDouble(1, 8);
            w[i] = new double[] {freq * Math.cos(angle), freq * Math.sin(angle), r.nextDouble(2 * Math.PI)};
        }
        boolean rings = r.nextBoolean();
        double ringFreq = r.nextDouble(8, 30);
        double far = r.nextDouble(0.8, 4);
        double farAngle = r.nextDouble(2 * Math.PI);
        double fx = 0.5 + far * Math.cos(farAngle);
        double fy = 0.5 + far * Math.sin(farAngle);
        double alpha = r.nextDouble(0.5, 1);
        return canvas -> {
            for (int y = 0; y < canvas.n; y++) {
                for (int x = 0; x < canvas.n; x++) {
                    double u = canvas.unit(x);
                    double v = canvas.unit(y);
                    double s = 0;
                    for (double[] wave : w) {
                        s += Math.sin(2 * Math.PI * (wave[0] * u + wave[1] * v) + wave[2]);
                    }
                    s /= k;   // about -1..1
                    double t = rings ? 0.5 + 0.5 * Math.sin(2 * Math.PI * ringFreq * Canvas.length(u - fx, v - fy) + 3 * s)
                            : 0.5 + 0.5 * Math.tanh(2 * s);
                    canvas.blend(x, y, Colours.mix(a, b, t), alpha);
                }
            }
        };
    }

    /** Grainy speckle of palette colours in cells of one to three pixels (at the picture's size). */
    static Painter speckle(SplittableRandom r, double[][] palette) {
        long seed = r.nextLong();
        double alpha = r.nextDouble(0.2, 0.7);
        double cellUnit = r.nextDouble(1, 3) / ShapesDataset.PICTURE_SIZE;
        return canvas -> {
            int cell = Math.max(1, (int) Math.round(cellUnit * canvas.n));
            int cells = (canvas.n + cell - 1) / cell;
            SplittableRandom g = new SplittableRandom(seed);
            double[][] colour = new double[cells * cells][];
            double[] a = new double[cells * cells];
            for (int i = 0; i < colour.length; i++) {
                colour[i] = pick(g, palette);
                a[i] = alpha * g.nextDouble();
            }
            for (int y = 0; y < canvas.n; y++) {
                for (int x = 0; x < canvas.n; x++) {
                    int c = (y / cell) * cells + x / cell;
                    canvas.blend(x, y, colour[c], a[c]);
                }
            }
        };
    }

    /** 1 inside a band, 0 outside, with edges one pixel wide; {@code pixelsPerPeriod} sets that pixel. */
    static double band(double phase, double duty, double pixelsPerPeriod) {
        double f = phase - Math.floor(phase);
        double edge = 1.0 / pixelsPerPeriod;
        double rise = Math.min(1, Math.max(0, f / edge + 0.5));
        double fall = Math.min(1, Math.max(0, (duty - f) / edge + 0.5));
        return rise * fall;
    }

    private static double sq(double v) {
        return v * v;
    }
}
