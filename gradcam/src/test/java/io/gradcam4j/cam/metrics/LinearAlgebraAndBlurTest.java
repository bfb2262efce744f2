package io.gradcam4j.cam.metrics;

import io.gradcam4j.cam.GaussianBlur;
import io.gradcam4j.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The pieces under the metrics: the envelope Cholesky solver against dense Gaussian elimination,
 * and the blur fill against its kernel written out by hand.
 */
class LinearAlgebraAndBlurTest {

    /** A random symmetric positive definite matrix whose rows start at {@code first[i]}. */
    private static double[][] spd(int[] first, Random r) {
        int n = first.length;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = first[i]; j < i; j++) {
                a[i][j] = a[j][i] = r.nextDouble() * 2 - 1;
            }
        }
        for (int i = 0; i < n; i++) {
            double s = 1;
            for (int j = 0; j < n; j++) {
                s += j != i ? Math.abs(a[i][j]) : 0;
            }
            a[i][i] = s;   // strictly diagonally dominant with a positive diagonal: positive definite
        }
        return a;
    }

    /** Gaussian elimination with partial pivoting, the textbook way. */
    private static double[] dense(double[][] matrix, double[] rhs) {
        int n = rhs.length;
        double[][] a = new double[n][];
        double[] b = rhs.clone();
        for (int i = 0; i < n; i++) {
            a[i] = matrix[i].clone();
        }
        for (int k = 0; k < n; k++) {
            int p = k;
            for (int i = k + 1; i < n; i++) {
                if (Math.abs(a[i][k]) > Math.abs(a[p][k])) {
                    p = i;
                }
            }
            double[] t = a[k];
            a[k] = a[p];
            a[p] = t;
            double tb = b[k];
            b[k] = b[p];
            b[p] = tb;
            for (int i = k + 1; i < n; i++) {
                double f = a[i][k] / a[k][k];
                for (int j = k; j < n; j++) {
                    a[i][j] -= f * a[k][j];
                }
                b[i] -= f * b[k];
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = b[i];
            for (int j = i + 1; j < n; j++) {
                s -= a[i][j] * x[j];
            }
            x[i] = s / a[i][i];
        }
        return x;
    }

    @Test
    void envelopeCholeskySolvesAsDenseEliminationDoes() {
        Random r = new Random(8);
        for (int trial = 0; trial < 5; trial++) {
            int n = 40 + trial * 7;
            int[] first = new int[n];
            for (int i = 0; i < n; i++) {
                first[i] = Math.max(0, i - r.nextInt(9));   // ragged envelopes, some rows diagonal only
            }
            double[][] a = spd(first, r);
            EnvelopeCholesky system = new EnvelopeCholesky(first);
            for (int i = 0; i < n; i++) {
                for (int j = first[i]; j <= i; j++) {
                    system.add(i, j, a[i][j]);
                }
            }
            system.factor();
            double[] b = new double[n];
            for (int i = 0; i < n; i++) {
                b[i] = r.nextGaussian();
            }
            double[] expected = dense(a, b);
            double[] actual = system.solve(b);
            for (int i = 0; i < n; i++) {
                assertEquals(expected[i], actual[i], 1e-12 * (1 + Math.abs(expected[i])), "trial " + trial + " row " + i);
            }
        }
    }

    @Test
    void aMatrixThatIsNotPositiveDefiniteIsRefused() {
        EnvelopeCholesky system = new EnvelopeCholesky(new int[] {0, 0});
        system.add(0, 0, 1);
        system.add(1, 0, 2);
        system.add(1, 1, 1);   // [[1, 2], [2, 1]] has eigenvalues 3 and -1
        assertThrows(IllegalStateException.class, system::factor);
        assertThrows(IllegalArgumentException.class, () -> system.add(0, 1, 1.0), "above the diagonal");
    }

    @Test
    void blurKernelByHand() {
        // sigma 1: radius 3, weights exp(-i^2 / 2) / sum
        double sum = 1 + 2 * (Math.exp(-0.5) + Math.exp(-2) + Math.exp(-4.5));
        double[] k = GaussianBlur.kernel(1.0);
        assertEquals(7, k.length);
        assertEquals(1 / sum, k[3], 1e-15);
        assertEquals(Math.exp(-2) / sum, k[1], 1e-15);
        // a 10 x 10 image (sigma = 10 / 10 = 1) with one bright pixel far from the edges:
        // the blur there is the outer product of the kernel with itself
        float[] v = new float[100];
        v[4 * 10 + 5] = 1f;
        float[] b = GaussianBlur.of(Tensor.of(v, 1, 10, 10, 1));
        assertEquals(k[3] * k[3], b[4 * 10 + 5], 1e-7);
        assertEquals(k[3 + 2] * k[3 + 1], b[(4 + 2) * 10 + 5 + 1], 1e-7);
        assertEquals(0, b[9 * 10 + 9], 1e-12, "beyond the radius");
        // a constant image stays constant, borders replicated
        float[] c = new float[100 * 2];
        java.util.Arrays.fill(c, 0.7f);
        for (float x : GaussianBlur.of(Tensor.of(c, 1, 10, 10, 2))) {
            assertEquals(0.7f, x, 1e-6f);
        }
    }
}
