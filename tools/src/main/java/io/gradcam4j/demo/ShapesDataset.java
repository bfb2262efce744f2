package io.gradcam4j.demo;

import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.train.Examples;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Generated RGB pictures of one object — a circle, square, triangle, star or cross ({@link Shape})
 * — on a background, with the object's mask and bounding box to check where a model looked.
 *
 * <p>Every picture is drawn at {@link #PICTURE_SIZE} (the size of the demo pictures), degraded as
 * a real file might be ({@link Degradation}: blur, noise, contrast, colours, JPEG; the textured
 * backdrops only blur, contrast and colours), and then resized to the
 * model's input exactly as the command line resizes a file (Keras {@code load_img}: Pillow's
 * nearest neighbour). A model trained on {@link #sample} therefore sees what {@code gradcam
 * explain} feeds it, not a rendering at the small size that no file on disk looks like.
 *
 * <p>The object is filled (flat, shaded or patterned) or only outlined; its size, tilt, colour
 * and proportions vary. What is behind it depends on the {@link Backdrop}:
 * <ul>
 *   <li>{@link Backdrop#CLUTTER}: the clean dataset, random clutter that says nothing about the
 *       class ({@link Backgrounds}), a quarter of it on the shortcut textures below drawn at random;
 *       a thin line sometimes crosses the object too;
 *   <li>{@link Backdrop#SHORTCUT}: one texture per class ({@link ShortcutTextures}), a background
 *       that gives the class away;
 *   <li>{@link Backdrop#SWAPPED}: the same textures, each object on another class's texture.
 * </ul>
 *
 * <p>A {@code difficulty} below 1 makes easier scenes for the first epochs of training (a
 * curriculum: a network that has not yet found the object in heavy clutter gets no signal from
 * it): less clutter, fewer degradations, fewer outlined shapes, no small ones. At 0 a filled shape
 * of radius 0.17..0.3 stands on a plain gradient.
 *
 * <p>Deterministic: sample {@code i} of a split is a function of (seed, backdrop, difficulty,
 * split, i) only, so the train and test splits never share a sample and any sample can be
 * regenerated alone.
 */
public final class ShapesDataset {
    /** The class names, in class-index order. */
    public static final List<String> CLASSES = List.of("circle", "square", "triangle", "star", "cross");
    /** The size pictures are drawn at before the resize to the model's input. */
    public static final int PICTURE_SIZE = 128;

    public enum Split { TRAIN, TEST }

    /** What is behind the object (see the class comment). */
    public enum Backdrop { CLUTTER, SHORTCUT, SWAPPED }

    /** How the object is painted. */
    private enum Style { FLAT, SHADED, PATTERNED, OUTLINE }

    private static final int SUPERSAMPLE = 4;

    private final long seed;
    private final int size;
    private final Backdrop backdrop;
    private final double difficulty;

    /** The clean dataset for a model of {@code size x size} RGB inputs. */
    public ShapesDataset(long seed, int size) {
        this(seed, size, Backdrop.CLUTTER);
    }

    public ShapesDataset(long seed, int size, Backdrop backdrop) {
        this(seed, size, backdrop, 1);
    }

    /** @param difficulty 1 for the full variation, less for easier scenes (see the class comment) */
    public ShapesDataset(long seed, int size, Backdrop backdrop, double difficulty) {
        if (size < 16 || size > PICTURE_SIZE) {
            throw new IllegalArgumentException("the model's input must be 16.." + PICTURE_SIZE + " pixels, got " + size);
        }
        if (!(difficulty >= 0 && difficulty <= 1)) {
            throw new IllegalArgumentException("difficulty must be in [0, 1], got " + difficulty);
        }
        this.seed = seed;
        this.size = size;
        this.backdrop = backdrop;
        this.difficulty = difficulty;
    }

    /** The same dataset at another difficulty. */
    public ShapesDataset withDifficulty(double d) {
        return new ShapesDataset(seed, size, backdrop, d);
    }

    public double difficulty() {
        return difficulty;
    }

    public int size() {
        return size;
    }

    public long seed() {
        return seed;
    }

    public Backdrop backdrop() {
        return backdrop;
    }

    /**
     * One picture.
     *
     * @param label the class index
     * @param size height and width
     * @param rgb {@code size * size * 3} bytes, row-major RGB
     * @param mask {@code size * size}: the object covers at least half of the pixel (an outlined
     *     shape's interior counts as the object)
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
            return Canvas.toImage(rgb, size);
        }

        /** The mask as an 8-bit gray picture: 255 on the object, 0 elsewhere. */
        public BufferedImage maskImage() {
            BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
            for (int p = 0; p < size * size; p++) {
                img.getRaster().setSample(p % size, p / size, 0, mask[p] ? 255 : 0);
            }
            return img;
        }
    }

    /** Sample {@code index} of {@code split} at the model's input size; its class is {@code index % 5} (balanced). */
    public Sample sample(Split split, int index) {
        return nearest(picture(split, index), size);
    }

    /** The same sample as the picture it is resized from ({@link #PICTURE_SIZE}, e.g. to write to a file). */
    public Sample picture(Split split, int index) {
        return render(scene(split, index));
    }

    /**
     * {@code count} samples of a split from {@code from} on, as training examples (kept as bytes,
     * converted to floats 0..255 per batch). Drawn on all cores.
     */
    public Examples examples(Split split, int from, int count) {
        byte[][] images = new byte[count][];
        int[] labels = new int[count];
        IntStream.range(0, count).parallel().forEach(k -> {
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

    /**
     * Pillow's nearest-neighbour resize (what Keras {@code load_img} and the command line do): output
     * pixel {@code x} takes source pixel {@code floor((x + 0.5) * from / to)}. The mask is resized the
     * same way; the box keeps every pixel the object touches.
     */
    static Sample nearest(Sample s, int to) {
        if (s.size() == to) {
            return s;
        }
        int from = s.size();
        int[] src = new int[to];
        for (int i = 0; i < to; i++) {
            src[i] = (int) ((i + 0.5) * from / to);
        }
        byte[] rgb = new byte[to * to * 3];
        boolean[] mask = new boolean[to * to];
        for (int y = 0; y < to; y++) {
            for (int x = 0; x < to; x++) {
                int p = src[y] * from + src[x];
                System.arraycopy(s.rgb(), 3 * p, rgb, 3 * (y * to + x), 3);
                mask[y * to + x] = s.mask()[p];
            }
        }
        int[] b = s.box();
        int[] box = {b[0] * to / from, b[1] * to / from, Math.min(to, (b[2] * to + from - 1) / from),
            Math.min(to, (b[3] * to + from - 1) / from)};
        return new Sample(s.label(), to, rgb, mask, box);
    }

    // ---- the scene: every random choice, made before anything is drawn ----------------------------

    private record Scene(int label, Shape shape, Backgrounds.Painter background, Style style, double[] colour,
                         double[] second, double stroke, double patternAngle, double patternPeriod,
                         Backgrounds.Painter occluders, Degradation degradation) {
    }

    private Scene scene(Split split, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("sample index must be >= 0, got " + index);
        }
        SplittableRandom r = new SplittableRandom(mix(seed ^ Double.doubleToLongBits(difficulty),
                backdrop.ordinal() * 2 + split.ordinal(), index));
        double d = difficulty;
        int label = index % CLASSES.size();
        double[][] palette;
        Backgrounds.Painter background;
        double[] colour;
        if (backdrop == Backdrop.CLUTTER) {
            // A quarter of the clean pictures stand on one of the shortcut textures, of a class drawn
            // independently of the object's: the two datasets then differ only in whether the
            // texture goes with the class.
            boolean textured = r.nextDouble() < 0.25 * d;
            palette = textured ? ShortcutTextures.palette(r) : Colours.palette(r, 2 + r.nextInt(3));
            colour = Colours.awayFrom(r, palette, 50, 90);
            Backgrounds.Painter base = textured ? ShortcutTextures.texture(r.nextInt(CLASSES.size()), palette, r) : null;
            background = Backgrounds.random(r, palette, colour, d, base);
        } else {
            palette = ShortcutTextures.palette(r);
            colour = Colours.awayFrom(r, palette, 50, 90);
            int texture = backdrop == Backdrop.SHORTCUT ? label : ShortcutTextures.swappedTexture(label, r);
            background = ShortcutTextures.texture(texture, palette, r);
        }
        double small = backdrop == Backdrop.CLUTTER ? 0.09 : 0.1;
        double large = backdrop == Backdrop.CLUTTER ? 0.3 : 0.25;
        Shape shape = Shape.random(label, r, small + (1 - d) * 0.08, large);
        // Filled flat 35 %, shaded 20 %, patterned 10 %, outlined 35 % at full difficulty; all flat at 0.
        double u = r.nextDouble();
        double flat = 1 - 0.65 * d;
        Style style = u < flat ? Style.FLAT : u < flat + 0.2 * d ? Style.SHADED : u < flat + 0.3 * d ? Style.PATTERNED
                : Style.OUTLINE;
        // The second colour of a shaded or patterned object: the same hue, lighter or darker.
        double[] second = Colours.mix(colour, Colours.luma(colour) > 128 ? new double[] {0, 0, 0}
                : new double[] {255, 255, 255}, r.nextDouble(0.15, 0.4));
        double stroke = r.nextDouble(0.016, 0.045);
        double patternAngle = r.nextDouble(Math.PI);
        double patternPeriod = r.nextDouble(0.03, 0.08);
        Backgrounds.Painter occluders = backdrop == Backdrop.CLUTTER && r.nextDouble() < 0.15 * d
                ? Backgrounds.lines(r, palette, 1 + r.nextInt(2)) : null;
        Degradation degradation = Degradation.random(r, d);
        return new Scene(label, shape, background, style, colour, second, stroke, patternAngle, patternPeriod,
                occluders, backdrop == Backdrop.CLUTTER ? degradation : degradation.withoutNoise());
    }

    private static long mix(long seed, int stream, int index) {
        long z = seed * 0x9E3779B97F4A7C15L + (stream + 1) * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    // ---- drawing -----------------------------------------------------------------------------------

    private static Sample render(Scene s) {
        int n = PICTURE_SIZE;
        Canvas canvas = new Canvas(n);
        s.background().paint(canvas);
        Shape shape = s.shape();
        boolean[] mask = new boolean[n * n];
        int x0 = n;
        int y0 = n;
        int x1 = 0;
        int y1 = 0;
        double reach = shape.reach();
        int loX = Math.max(0, (int) Math.floor((shape.cx() - reach) * n) - 1);
        int hiX = Math.min(n - 1, (int) Math.ceil((shape.cx() + reach) * n) + 1);
        int loY = Math.max(0, (int) Math.floor((shape.cy() - reach) * n) - 1);
        int hiY = Math.min(n - 1, (int) Math.ceil((shape.cy() + reach) * n) + 1);
        for (int y = loY; y <= hiY; y++) {
            for (int x = loX; x <= hiX; x++) {
                // Coverage of the shape (the mask) and of the paint (for an outline only a band
                // inside the shape's edge is painted). A pixel farther than a pixel from every edge
                // is wholly on one side: its centre decides. Others are supersampled.
                int inside = 0;
                int painted = 0;
                double[] paintColour = new double[3];
                double u0 = canvas.unit(x);
                double v0 = canvas.unit(y);
                double edge = shape.outlineDistance(u0, v0);
                double pixel = 1.0 / n;
                boolean whole = edge > pixel && (s.style() != Style.OUTLINE || Math.abs(edge - s.stroke()) > pixel);
                if (whole) {
                    if (!shape.inside(u0, v0)) {
                        continue;
                    }
                    inside = SUPERSAMPLE * SUPERSAMPLE;
                    if (s.style() != Style.OUTLINE || edge <= s.stroke()) {
                        painted = inside;
                        double[] c = colourAt(s, u0, v0);
                        for (int k = 0; k < 3; k++) {
                            paintColour[k] = c[k] * painted;   // as the sum of the samples below
                        }
                    }
                }
                for (int sy = 0; sy < SUPERSAMPLE && !whole; sy++) {
                    for (int sx = 0; sx < SUPERSAMPLE; sx++) {
                        double u = (x + (sx + 0.5) / SUPERSAMPLE) / n;
                        double v = (y + (sy + 0.5) / SUPERSAMPLE) / n;
                        if (!shape.inside(u, v)) {
                            continue;
                        }
                        inside++;
                        if (s.style() == Style.OUTLINE && shape.outlineDistance(u, v) > s.stroke()) {
                            continue;
                        }
                        painted++;
                        double[] c = colourAt(s, u, v);
                        for (int k = 0; k < 3; k++) {
                            paintColour[k] += c[k];
                        }
                    }
                }
                if (inside == 0) {
                    continue;
                }
                if (painted > 0) {
                    for (int k = 0; k < 3; k++) {
                        paintColour[k] /= painted;
                    }
                    canvas.blend(x, y, paintColour, painted / (double) (SUPERSAMPLE * SUPERSAMPLE));
                }
                mask[y * n + x] = inside * 2 >= SUPERSAMPLE * SUPERSAMPLE;
                x0 = Math.min(x0, x);
                y0 = Math.min(y0, y);
                x1 = Math.max(x1, x + 1);
                y1 = Math.max(y1, y + 1);
            }
        }
        if (s.occluders() != null) {
            s.occluders().paint(canvas);
        }
        byte[] rgb = s.degradation().apply(canvas);
        return new Sample(s.label(), n, rgb, mask, new int[] {x0, y0, x1, y1});
    }

    /** The object's paint at a point inside it. */
    private static double[] colourAt(Scene s, double u, double v) {
        Shape shape = s.shape();
        return switch (s.style()) {
            case FLAT, OUTLINE -> s.colour();
            case SHADED -> {
                double along = (u - shape.cx()) * Math.cos(s.patternAngle()) + (v - shape.cy()) * Math.sin(s.patternAngle());
                yield Colours.mix(s.colour(), s.second(), Math.min(1, Math.max(0, 0.5 + along / (2 * shape.radius()))));
            }
            case PATTERNED -> {
                double along = u * Math.cos(s.patternAngle()) + v * Math.sin(s.patternAngle());
                double f = along / s.patternPeriod();
                yield f - Math.floor(f) < 0.5 ? s.colour() : s.second();
            }
        };
    }
}
