package io.gradcam4j.cam.methods;

/**
 * The n-point Gauss-Legendre rule moved to [0, 1], as Captum's default for Integrated Gradients
 * ({@code method="gausslegendre"}: {@code alphas = (1 + t) / 2}, {@code step sizes = w / 2} from
 * numpy's {@code leggauss(n)}). The nodes are the roots of the Legendre polynomial P_n, found by
 * Newton's method from Chebyshev-like first guesses; the weights are {@code 2 / ((1 - t^2) P_n'(t)^2)}.
 *
 * @param alphas n points in (0, 1), increasing
 * @param weights their weights, summing to 1
 */
record GaussLegendre(double[] alphas, double[] weights) {

    static GaussLegendre of(int n) {
        double[] alphas = new double[n];
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            double t = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));   // near the (i+1)-th largest root
            double derivative = 0;
            for (int iteration = 0; iteration < 100; iteration++) {
                double[] pd = legendre(n, t);
                derivative = pd[1];
                double step = pd[0] / derivative;
                t -= step;
                if (Math.abs(step) < 1e-16) {
                    break;
                }
            }
            derivative = legendre(n, t)[1];
            // roots come largest first; store increasing
            alphas[n - 1 - i] = (1 + t) / 2;
            weights[n - 1 - i] = 1 / ((1 - t * t) * derivative * derivative);   // (2 / (...)) / 2
        }
        return new GaussLegendre(alphas, weights);
    }

    /** P_n(t) and P_n'(t) by the three-term recurrence. */
    private static double[] legendre(int n, double t) {
        double p0 = 1;
        double p1 = t;
        if (n == 0) {
            return new double[] {1, 0};
        }
        for (int k = 2; k <= n; k++) {
            double p2 = ((2 * k - 1) * t * p1 - (k - 1) * p0) / k;
            p0 = p1;
            p1 = p2;
        }
        double derivative = n * (t * p1 - p0) / (t * t - 1);
        return new double[] {p1, derivative};
    }
}
