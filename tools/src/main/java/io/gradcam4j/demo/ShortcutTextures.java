package io.gradcam4j.demo;

import java.util.SplittableRandom;

/**
 * The shortcut dataset's backgrounds: one texture per class, so that during training the
 * background alone gives the class away (the "shortcut" a model can learn instead of the shape):
 * <pre>
 *   circle    horizontal stripes
 *   square    a lattice of dots
 *   triangle  a checkerboard
 *   star      vertical zigzags
 *   cross     a diagonal crosshatch of thin lines
 * </pre>
 * Colours, scales and phases vary, the kind of texture never does. A test set where each object
 * stands on another class's texture ({@link #swappedTexture}) then tells a model that reads the
 * shape from one that reads the background.
 */
final class ShortcutTextures {
    private ShortcutTextures() {
    }

    /** The texture class drawn behind an object of class {@code label} in the swapped set: any other class. */
    static int swappedTexture(int label, SplittableRandom r) {
        int classes = ShapesDataset.CLASSES.size();
        return (label + 1 + r.nextInt(classes - 1)) % classes;
    }

    /** The two colours of a texture: a base and a clearly darker or lighter ink. */
    static double[][] palette(SplittableRandom r) {
        double[] base = Colours.withLuma(r, 35, 220);
        double[] toward = Colours.luma(base) > 128 ? new double[] {0, 0, 0} : new double[] {255, 255, 255};
        double[] ink = Colours.mix(base, toward, r.nextDouble(0.35, 0.6));
        return new double[][] {base, ink};
    }

    /** The texture of class {@code textureClass} in the colours {@code palette} (base, ink). */
    static Backgrounds.Painter texture(int textureClass, double[][] palette, SplittableRandom r) {
        double[] base = palette[0];
        double[] ink = palette[1];
        Backgrounds.Painter fill = canvas -> {
            for (int y = 0; y < canvas.n; y++) {
                for (int x = 0; x < canvas.n; x++) {
                    canvas.set(x, y, base);
                }
            }
        };
        double period = r.nextDouble(0.05, 0.09);
        double phaseX = r.nextDouble();
        double phaseY = r.nextDouble();
        Backgrounds.Painter pattern = switch (ShapesDataset.CLASSES.get(textureClass)) {
            case "circle" -> canvas -> {   // horizontal stripes
                for (int y = 0; y < canvas.n; y++) {
                    double t = Backgrounds.band(canvas.unit(y) / period + phaseY, 0.45, canvas.n * period);
                    for (int x = 0; x < canvas.n; x++) {
                        canvas.blend(x, y, ink, t);
                    }
                }
            };
            case "square" -> {   // a lattice of dots
                double radius = period * r.nextDouble(0.2, 0.3);
                yield canvas -> {
                    for (double gy = (phaseY - 1) * period; gy < 1 + period; gy += period) {
                        for (double gx = (phaseX - 1) * period; gx < 1 + period; gx += period) {
                            canvas.disc(gx, gy, radius, ink, 1);
                        }
                    }
                };
            }
            case "triangle" -> canvas -> {   // a checkerboard
                for (int y = 0; y < canvas.n; y++) {
                    for (int x = 0; x < canvas.n; x++) {
                        double a = Backgrounds.band(canvas.unit(x) / period + phaseX, 0.5, canvas.n * period);
                        double b = Backgrounds.band(canvas.unit(y) / period + phaseY, 0.5, canvas.n * period);
                        canvas.blend(x, y, ink, a + b - 2 * a * b);
                    }
                }
            };
            case "star" -> {   // vertical zigzags: columns whose position swings left and right down the picture
                double swing = period * r.nextDouble(0.6, 1.0);
                double wavelength = period * r.nextDouble(1.5, 2.5);
                yield canvas -> {
                    for (int y = 0; y < canvas.n; y++) {
                        double f = canvas.unit(y) / wavelength + phaseY;
                        double tri = 2 * Math.abs(f - Math.floor(f) - 0.5);   // 0..1..0
                        for (int x = 0; x < canvas.n; x++) {
                            double t = Backgrounds.band((canvas.unit(x) + swing * tri) / period + phaseX, 0.4,
                                    canvas.n * period);
                            canvas.blend(x, y, ink, t);
                        }
                    }
                };
            }
            case "cross" -> {   // a diagonal crosshatch of thin lines
                double width = r.nextDouble(0.12, 0.2);
                yield canvas -> {
                    for (int y = 0; y < canvas.n; y++) {
                        for (int x = 0; x < canvas.n; x++) {
                            double u = canvas.unit(x);
                            double v = canvas.unit(y);
                            double a = Backgrounds.band((u + v) / period + phaseX, width, canvas.n * period);
                            double b = Backgrounds.band((u - v) / period + phaseY, width, canvas.n * period);
                            canvas.blend(x, y, ink, Math.max(a, b));
                        }
                    }
                };
            }
            default -> throw new IllegalStateException("no texture for class " + textureClass);
        };
        return canvas -> {
            fill.paint(canvas);
            pattern.paint(canvas);
        };
    }
}
