package io.gradcam4j.engine.kernels;

import io.gradcam4j.engine.Workspace;

import static io.gradcam4j.engine.kernels.VectorTiles.NB;

/**
 * Packed panels of a matrix's columns and the cutting of work into column groups: a register tile
 * ({@link VectorTiles}) streams through one contiguous panel instead of rows far apart.
 */
final class VectorPanels {
    private VectorPanels() {
    }

    /** Target size of the part of {@code b} that a task streams through per column group (floats). */
    private static final int PANEL_FLOATS = 64 * 1024;

    /**
     * b[r*bR + j] for r &lt; rows, j &lt; cols, repacked as panels of {@link VectorTiles#NB} columns:
     * {@code packed[(blk*rows + r)*NB + jj]}, zero beyond the last column. A register tile then
     * streams through one contiguous panel instead of rows far apart (fewer TLB misses, and the
     * hardware prefetcher sees one stream).
     */
    static float[] pack(float[] b, int rows, int cols, int bR) {
        return pack(b, rows, cols, bR, NB);
    }

    /** As {@link #pack(float[], int, int, int)} with panels {@code nb} columns wide. */
    static float[] pack(float[] b, int rows, int cols, int bR, int nb) {
        return pack(b, rows, cols, bR, nb, null);
    }

    /**
     * As {@link #pack(float[], int, int, int, int)}, column j multiplied by {@code scale[j]} unless
     * scale is null: a folded kernel without a scaled copy of it first.
     */
    static float[] pack(float[] b, int rows, int cols, int bR, int nb, float[] scale) {
        int blocks = (cols + nb - 1) / nb;
        float[] packed = Workspace.zeros(blocks * rows * nb);   // callers that use it once recycle it
        Parallel.forRange(blocks * rows, 1024, (from, to) -> {
            for (int t = from; t < to; t++) {
                int j0 = (t / rows) * nb;
                int src = (t % rows) * bR + j0;
                int dst = t * nb;
                int width = Math.min(nb, cols - j0);
                if (scale == null) {
                    System.arraycopy(b, src, packed, dst, width);
                } else {
                    for (int jj = 0; jj < width; jj++) {
                        packed[dst + jj] = b[src + jj] * scale[j0 + jj];
                    }
                }
            }
        });
        return packed;
    }

    /** The inverse of {@link #pack(float[], int, int, int, int)}: rows x cols, row-major, from the workspace. */
    static float[] unpack(float[] packed, int rows, int cols, int nb) {
        float[] b = Workspace.uninitialized(rows * cols);   // every element is copied below
        int blocks = (cols + nb - 1) / nb;
        Parallel.forRange(blocks * rows, 1024, (from, to) -> {
            for (int t = from; t < to; t++) {
                int j0 = (t / rows) * nb;
                System.arraycopy(packed, t * nb, b, (t % rows) * cols + j0, Math.min(nb, cols - j0));
            }
        });
        return b;
    }

    /** Column groups: a width (a multiple of {@link VectorTiles#NB}) and how many, so that rows*groups gives enough tasks. */
    static int groupWidth(int cols, int rowTasks, int reduction) {
        return groupWidth(cols, rowTasks, reduction, NB);
    }

    static int groupWidth(int cols, int rowTasks, int reduction, int nb) {
        int blocks = (cols + nb - 1) / nb;
        int wanted = Math.max(1, (8 * Parallel.threads() + rowTasks - 1) / Math.max(1, rowTasks));
        // keep the part of b that one task streams through (reduction x width) near the L2 cache
        int byCache = Math.max(1, PANEL_FLOATS / Math.max(1, reduction) / nb);
        int perGroup = Math.max(1, Math.min((blocks + wanted - 1) / wanted, byCache));
        return perGroup * nb;
    }

    static int roundUpTo(int v, int m) {
        return (v + m - 1) / m * m;
    }

    static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
