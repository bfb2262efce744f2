package io.gradcam4j.cam.metrics;

import io.gradcam4j.engine.Tensor;

import java.util.SplittableRandom;

/**
 * ROAD's noisy linear imputation (Rong, Leemann et al. 2022), as pytorch-grad-cam's
 * {@code NoisyLinearImputer} (pytorch_grad_cam/metrics/road.py, taken from the authors' code)
 * fills removed pixels: every removed pixel takes the weighted mean of its neighbours inside the
 * image, 1/6 for the four beside it and 1/12 for the four diagonal ones
 * ({@code neighbors_weights}), known neighbours with their values and removed ones as unknowns;
 * all removed pixels at once, one linear system shared by the channels
 * ({@code setup_sparse_system}, solved there by {@code spsolve}, here by
 * {@link EnvelopeCholesky}); then {@code noise * N(0, 1)} is added to each imputed value (noise
 * absolute, in model-input units; pytorch-grad-cam's default 0.01). A neighbour outside the image
 * is left out of the mean, as there. The system is symmetric positive definite as soon as one
 * pixel is known: every group of removed pixels then touches a known one.
 */
final class NoisyLinearImputation {
    /** Row and column offsets of the eight neighbours and their weights. */
    private static final int[][] OFFSETS = {{-1, -1}, {-1, 0}, {-1, 1}, {0, -1}, {0, 1}, {1, -1}, {1, 0}, {1, 1}};
    private static final double[] WEIGHTS = {1 / 12.0, 1 / 6.0, 1 / 12.0, 1 / 6.0, 1 / 6.0, 1 / 12.0, 1 / 6.0, 1 / 12.0};

    private NoisyLinearImputation() {
    }

    /**
     * The image (1, H, W, C) with every pixel that is not {@code kept} imputed, as H x W x C values.
     *
     * @param noise the standard deviation of the noise added to imputed values (0 for none)
     */
    static float[] impute(Tensor image, boolean[] kept, double noise, SplittableRandom random) {
        int h = image.dim(1);
        int w = image.dim(2);
        int c = image.dim(3);
        float[] x = image.data();
        int[] unknown = new int[h * w];   // the unknown's number, or -1 for a kept pixel
        int n = 0;
        for (int p = 0; p < unknown.length; p++) {
            unknown[p] = kept[p] ? -1 : n++;
        }
        float[] out = x.clone();
        if (n == 0) {
            return out;
        }
        if (n == unknown.length) {
            throw new IllegalArgumentException("linear imputation needs at least one known pixel");
        }
        EnvelopeCholesky system = new EnvelopeCholesky(envelope(unknown, h, w, n));
        double[][] rhs = new double[c][n];
        for (int p = 0; p < unknown.length; p++) {
            int i = unknown[p];
            if (i < 0) {
                continue;
            }
            int y = p / w;
            int xx = p % w;
            // sum_valid(w_n) u_i - sum_removed(w_n u_n) = sum_known(w_n x_n): setup_sparse_system's
            // equation times -1, which makes the matrix positive definite
            for (int k = 0; k < OFFSETS.length; k++) {
                int ny = y + OFFSETS[k][0];
                int nx = xx + OFFSETS[k][1];
                if (ny < 0 || nx < 0 || ny >= h || nx >= w) {
                    continue;
                }
                system.add(i, i, WEIGHTS[k]);
                int q = ny * w + nx;
                if (unknown[q] < 0) {
                    for (int ch = 0; ch < c; ch++) {
                        rhs[ch][i] += WEIGHTS[k] * x[q * c + ch];
                    }
                } else if (unknown[q] < i) {
                    system.add(i, unknown[q], -WEIGHTS[k]);   // the lower triangle holds each pair once
                }
            }
        }
        system.factor();
        for (int ch = 0; ch < c; ch++) {
            double[] u = system.solve(rhs[ch]);
            for (int p = 0; p < unknown.length; p++) {
                if (unknown[p] >= 0) {
                    out[p * c + ch] = (float) (u[unknown[p]] + noise * random.nextGaussian());
                }
            }
        }
        return out;
    }

    /** Per unknown, the first unknown it is coupled with: its lowest-numbered removed neighbour, or itself. */
    private static int[] envelope(int[] unknown, int h, int w, int n) {
        int[] first = new int[n];
        for (int p = 0; p < unknown.length; p++) {
            int i = unknown[p];
            if (i < 0) {
                continue;
            }
            int f = i;
            int y = p / w;
            int xx = p % w;
            for (int[] o : OFFSETS) {
                int ny = y + o[0];
                int nx = xx + o[1];
                if (ny >= 0 && nx >= 0 && ny < h && nx < w && unknown[ny * w + nx] >= 0) {
                    f = Math.min(f, unknown[ny * w + nx]);
                }
            }
            first[i] = f;
        }
        return first;
    }
}
