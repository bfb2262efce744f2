package io.gradcam4j.cam.methods;

import java.util.SplittableRandom;

/**
 * RISE's random masks (Petsiuk et al. 2018, their {@code generate_masks}): an n x n grid of cells
 * each on with probability p, upsampled bilinearly to {@code (n + 1) * cell} pixels square (as
 * {@code skimage.transform.resize(order=1, mode="reflect")}: half-pixel centres, mirrored at the
 * edges) and cropped at a random offset below one cell to H x W: smooth masks whose cells do not
 * all start at the same places.
 */
final class RiseMasks {

    private RiseMasks() {
    }

    /** Mask {@code i} of a series drawn from {@code seed}, H x W values in [0, 1]. */
    static float[] mask(long seed, int i, int h, int w, int cell, double p) {
        // a stream per mask: mask i is the same whatever the batch size or the masks before it
        SplittableRandom random = new SplittableRandom(seed + 0x9E3779B97F4A7C15L * i);
        int n = (int) Math.ceil((double) Math.max(h, w) / cell);
        double[] grid = new double[n * n];
        for (int g = 0; g < grid.length; g++) {
            grid[g] = random.nextDouble() < p ? 1 : 0;
        }
        int up = (n + 1) * cell;
        int dy = random.nextInt(cell);
        int dx = random.nextInt(cell);
        float[] m = new float[h * w];
        for (int y = 0; y < h; y++) {
            double sy = mirror((y + dy + 0.5) * n / up - 0.5, n);
            for (int x = 0; x < w; x++) {
                double sx = mirror((x + dx + 0.5) * n / up - 0.5, n);
                m[y * w + x] = (float) sample(grid, n, sy, sx);
            }
        }
        return m;
    }

    /** A coordinate reflected into [0, n - 1] about the half-pixel edges, as scipy's "mirror" mode. */
    private static double mirror(double s, int n) {
        if (n == 1) {
            return 0;
        }
        double period = 2.0 * (n - 1);
        double r = Math.abs(s) % period;
        return r > n - 1 ? period - r : r;
    }

    private static double sample(double[] grid, int n, double sy, double sx) {
        int y0 = Math.min((int) Math.floor(sy), n - 1);
        int x0 = Math.min((int) Math.floor(sx), n - 1);
        int y1 = Math.min(y0 + 1, n - 1);
        int x1 = Math.min(x0 + 1, n - 1);
        double fy = sy - y0;
        double fx = sx - x0;
        double top = grid[y0 * n + x0] * (1 - fx) + grid[y0 * n + x1] * fx;
        double bottom = grid[y1 * n + x0] * (1 - fx) + grid[y1 * n + x1] * fx;
        return top * (1 - fy) + bottom * fy;
    }
}
