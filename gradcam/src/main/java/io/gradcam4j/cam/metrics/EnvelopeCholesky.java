package io.gradcam4j.cam.metrics;

/**
 * Solves {@code A u = b} for a sparse symmetric positive definite A whose non-zeros lie close to
 * the diagonal, by a Cholesky factorisation {@code A = L L^T} stored in envelope form: row i of
 * the lower triangle is kept from its first non-zero column {@code first[i]} to the diagonal.
 * L has no non-zero left of A's envelope, so the factor fits in the same storage. For the
 * linear imputation of an image whose unknown pixels are numbered row by row, a row's envelope is
 * about one image row wide: memory about n x W values, work about n x W^2 / 2 multiply-adds.
 */
final class EnvelopeCholesky {
    private final int n;
    private final int[] first;
    private final long[] start;   // where row i's entries begin in values (first[i] is at start[i])
    private final double[] values;
    private boolean factored;

    /** @param first per row, the first column that may hold a non-zero ({@code <= row}) */
    EnvelopeCholesky(int[] first) {
        this.n = first.length;
        this.first = first.clone();
        this.start = new long[n + 1];
        for (int i = 0; i < n; i++) {
            if (first[i] < 0 || first[i] > i) {
                throw new IllegalArgumentException("row " + i + " cannot start at column " + first[i]);
            }
            start[i + 1] = start[i] + (i - first[i] + 1);
        }
        if (start[n] > Integer.MAX_VALUE - 8) {
            throw new io.gradcam4j.engine.errors.ResourceLimitException("a linear system of " + n
                    + " unknowns with this envelope needs " + start[n] + " values, more than an array holds");
        }
        this.values = new double[(int) start[n]];
    }

    int size() {
        return n;
    }

    /** Adds {@code v} to {@code A[row][col]} (and so to {@code A[col][row]}), {@code first[row] <= col <= row}. */
    void add(int row, int col, double v) {
        if (col < first[row] || col > row) {
            throw new IllegalArgumentException("(" + row + ", " + col + ") lies outside the envelope");
        }
        values[at(row, col)] += v;
    }

    private int at(int row, int col) {
        return (int) (start[row] + col - first[row]);
    }

    /** Replaces A by its factor L, row by row (Cholesky-Crout). */
    void factor() {
        for (int i = 0; i < n; i++) {
            int fi = first[i];
            int rowI = at(i, fi);
            for (int j = fi; j < i; j++) {
                int k0 = Math.max(fi, first[j]);
                double s = values[rowI + j - fi] - dot(values, rowI + k0 - fi, at(j, k0), j - k0);
                values[rowI + j - fi] = s / values[at(j, j)];
            }
            double d = values[rowI + i - fi] - dot(values, rowI, rowI, i - fi);
            if (!(d > 0)) {
                throw new IllegalStateException("the system is not positive definite (pivot " + d + " at row " + i + ")");
            }
            values[rowI + i - fi] = Math.sqrt(d);
        }
        factored = true;
    }

    /** {@code sum_k v[a + k] v[b + k]} for k below {@code length}, four sums at a time for the pipeline. */
    private static double dot(double[] v, int a, int b, int length) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 3 < length; k += 4) {
            s0 += v[a + k] * v[b + k];
            s1 += v[a + k + 1] * v[b + k + 1];
            s2 += v[a + k + 2] * v[b + k + 2];
            s3 += v[a + k + 3] * v[b + k + 3];
        }
        for (; k < length; k++) {
            s0 += v[a + k] * v[b + k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** u with {@code L L^T u = b}, after {@link #factor}. */
    double[] solve(double[] b) {
        if (!factored) {
            throw new IllegalStateException("factor() first");
        }
        double[] y = b.clone();
        for (int i = 0; i < n; i++) {            // L y = b
            int fi = first[i];
            int rowI = at(i, fi);
            double s = y[i];
            for (int k = fi; k < i; k++) {
                s -= values[rowI + k - fi] * y[k];
            }
            y[i] = s / values[rowI + i - fi];
        }
        for (int i = n - 1; i >= 0; i--) {       // L^T u = y, column by column of L^T
            int fi = first[i];
            int rowI = at(i, fi);
            y[i] /= values[rowI + i - fi];
            double ui = y[i];
            for (int k = fi; k < i; k++) {
                y[k] -= values[rowI + k - fi] * ui;
            }
        }
        return y;
    }
}
