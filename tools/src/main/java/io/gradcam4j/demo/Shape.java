package io.gradcam4j.demo;

import java.util.SplittableRandom;

/**
 * The object of one scene: a circle, square, triangle, star or cross, in unit coordinates. Every
 * class varies within its meaning (a star's inner radius, a cross's arm width, a triangle's
 * corners, a square's exact size) and is tilted a little; a square tilted by 45 degrees would be a
 * diamond and a cross an X, so tilts stay within {@link #MAX_TILT_DEGREES}. The circle is an
 * ellipse of nearly equal axes, the others are polygons.
 *
 * @param xs the polygon's corners ({@code null} for the circle)
 * @param ax the circle's half axes (unused for polygons)
 */
record Shape(int label, double cx, double cy, double radius, double rotation, double[] xs, double[] ys, double ax,
             double ay) {
    /** Upright shapes (a triangle and a star point up), tilted by at most this much. */
    static final double MAX_TILT_DEGREES = 25;

    /**
     * A shape of class {@code label} of "radius" (the radius of the disc it roughly fills) drawn
     * from {@code [minRadius, maxRadius)}, placed wholly inside the picture.
     */
    static Shape random(int label, SplittableRandom r, double minRadius, double maxRadius) {
        double radius = r.nextDouble(minRadius, maxRadius);
        double margin = 1.15 * radius + 0.02;
        double cx = r.nextDouble(margin, 1 - margin);
        double cy = r.nextDouble(margin, 1 - margin);
        double rotation = Math.toRadians(r.nextDouble(-MAX_TILT_DEGREES, MAX_TILT_DEGREES));
        double[][] local;   // corners around (0, 0), in radii
        switch (ShapesDataset.CLASSES.get(label)) {
            case "circle" -> {
                double squash = r.nextDouble(0.9, 1.0);   // slightly elliptic at most
                return new Shape(label, cx, cy, radius, rotation, null, null, radius, radius * squash);
            }
            case "square" -> {
                double h = r.nextDouble(0.74, 0.86);
                double w = h * r.nextDouble(0.93, 1.07);
                local = new double[][] {{-w, w, w, -w}, {-h, -h, h, h}};
            }
            case "triangle" -> {
                local = new double[2][3];
                for (int k = 0; k < 3; k++) {
                    double a = -Math.PI / 2 + 2 * Math.PI * k / 3 + r.nextDouble(-0.12, 0.12);
                    double d = 1.1 * r.nextDouble(0.9, 1.08);
                    local[0][k] = d * Math.cos(a);
                    local[1][k] = d * Math.sin(a) + 0.15;   // the centroid a little below the middle
                }
            }
            case "star" -> {
                double inner = r.nextDouble(0.36, 0.6);
                local = new double[2][10];
                for (int k = 0; k < 10; k++) {
                    double a = -Math.PI / 2 + Math.PI * k / 5;
                    double d = (k % 2 == 0 ? 1.05 : 1.05 * inner);
                    local[0][k] = d * Math.cos(a);
                    local[1][k] = d * Math.sin(a);
                }
            }
            case "cross" -> {
                double a = r.nextDouble(0.18, 0.38);        // half the arms' width
                double lx = r.nextDouble(0.85, 1.0);        // the arms' reach, across and up
                double ly = lx * r.nextDouble(0.9, 1.1);
                local = new double[][] {
                    {-a, a, a, lx, lx, a, a, -a, -a, -lx, -lx, -a},
                    {-ly, -ly, -a, -a, a, a, ly, ly, a, a, -a, -a}};
            }
            default -> throw new IllegalStateException("no shape for class " + label);
        }
        double c = Math.cos(rotation);
        double s = Math.sin(rotation);
        int k = local[0].length;
        double[] xs = new double[k];
        double[] ys = new double[k];
        for (int i = 0; i < k; i++) {
            double x = local[0][i] * radius;
            double y = local[1][i] * radius;
            xs[i] = cx + x * c - y * s;
            ys[i] = cy + x * s + y * c;
        }
        return new Shape(label, cx, cy, radius, rotation, xs, ys, 0, 0);
    }

    /** How far from the centre any part of the shape may reach. */
    double reach() {
        return 1.3 * radius;
    }

    boolean inside(double u, double v) {
        if (xs == null) {
            double[] p = toEllipse(u, v);
            return p[0] * p[0] + p[1] * p[1] <= 1;
        }
        boolean in = false;
        for (int i = 0, j = xs.length - 1; i < xs.length; j = i++) {
            if ((ys[i] > v) != (ys[j] > v) && u < (xs[j] - xs[i]) * (v - ys[i]) / (ys[j] - ys[i]) + xs[i]) {
                in = !in;
            }
        }
        return in;
    }

    /** Distance from {@code (u, v)} to the outline (for an outlined shape's stroke). */
    double outlineDistance(double u, double v) {
        if (xs == null) {
            // Radial distance to an ellipse of nearly equal axes: close enough for a stroke.
            double[] p = toEllipse(u, v);
            return Math.abs(Math.sqrt(p[0] * p[0] + p[1] * p[1]) - 1) * Math.min(ax, ay);
        }
        double best = Double.MAX_VALUE;
        for (int i = 0, j = xs.length - 1; i < xs.length; j = i++) {
            double dx = xs[i] - xs[j];
            double dy = ys[i] - ys[j];
            double t = Math.min(1, Math.max(0, ((u - xs[j]) * dx + (v - ys[j]) * dy) / (dx * dx + dy * dy)));
            best = Math.min(best, Canvas.length(xs[j] + t * dx - u, ys[j] + t * dy - v));
        }
        return best;
    }

    /** {@code (u, v)} in the circle's frame, scaled so that the outline is the unit circle. */
    private double[] toEllipse(double u, double v) {
        double c = Math.cos(rotation);
        double s = Math.sin(rotation);
        double du = u - cx;
        double dv = v - cy;
        return new double[] {(du * c + dv * s) / ax, (-du * s + dv * c) / ay};
    }
}
