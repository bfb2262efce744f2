package io.gradcam4j.cam.metrics;

import io.gradcam4j.engine.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Deletion and insertion (Petsiuk et al. 2018, "RISE"), as torch-cam's
 * {@code DeletionInsertionMetric} (torchcam/metrics.py) computes them. With P = H x W pixels
 * ranked most relevant first ({@link Relevance}) and {@code s = ceil(P / steps)}, the curve has a
 * point at each count {@code k} of {@code 0, s, 2s, ... (below P), P}:
 * <ul>
 *   <li><b>deletion</b>: the score with the k most relevant pixels (every channel) replaced by
 *   the fill; the first point is the image itself;</li>
 *   <li><b>insertion</b>: the score of the fill with the k most relevant pixels of the image put
 *   back; the last point is the image itself.</li>
 * </ul>
 * Figure {@code auc}: the trapezoid area under the curve against the fraction of pixels
 * {@code k / P} ({@code torch.trapezoid}), so a last interval shorter than the others weighs
 * less. The curve holds the scores at those counts. Forward passes: one per point (the image
 * itself is one of them); torch-cam shares the all-fill image between its two curves, here each
 * curve runs on its own. Default fill: the constant 0 (torch-cam's zero baseline), 20 steps.
 */
final class PixelCurve implements FaithfulnessMetric {

    /** Which way pixels move between the image and the fill. */
    enum Direction {
        DELETION("deletion"), INSERTION("insertion");

        final String metricName;

        Direction(String metricName) {
            this.metricName = metricName;
        }
    }

    private final Direction direction;
    private final MetricOptions options;

    PixelCurve(Direction direction, MetricOptions options) {
        this.direction = direction;
        this.options = options;
    }

    @Override
    public String name() {
        return direction.metricName;
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("steps", options.steps());
        p.putAll(FillValues.describe(options));
        return p;
    }

    @Override
    public MetricResult measure(MetricInput in) {
        Relevance r = Relevance.of(in.map(), in.height(), in.width());
        int[] counts = counts(r.pixels(), options.steps());
        Tensor x = in.input();
        float[] image = x.data();
        float[] fill = FillValues.of(options, x);
        // deletion moves the ranked pixels from the image to the fill; insertion the other way
        float[] start = direction == Direction.DELETION ? image : fill;
        float[] end = direction == Direction.DELETION ? fill : image;
        int c = in.channels();
        ClassScores scores = new ClassScores(in);
        double[] curve = scores.run(counts.length, (i, into) -> {
            System.arraycopy(start, 0, into, 0, into.length);
            for (int rank = 0; rank < counts[i]; rank++) {
                int p = r.pixelAt(rank);
                System.arraycopy(end, p * c, into, p * c, c);
            }
        });
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("auc", trapezoid(curve, fractions(counts, r.pixels())));
        return new MetricResult(name(), figures, curve, scores.forwardPasses());
    }

    /** torch-cam's counts: {@code range(0, P, ceil(P / steps))} and then P. */
    static int[] counts(int pixels, int steps) {
        int step = (pixels + steps - 1) / steps;
        int n = (pixels + step - 1) / step;   // multiples of step below P
        int[] counts = new int[n + 1];
        for (int i = 0; i < n; i++) {
            counts[i] = i * step;
        }
        counts[n] = pixels;
        return counts;
    }

    static double[] fractions(int[] counts, int pixels) {
        double[] f = new double[counts.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (double) counts[i] / pixels;
        }
        return f;
    }

    /** {@code sum (x[i+1] - x[i]) (y[i] + y[i+1]) / 2}, as {@code torch.trapezoid(y, x)}. */
    static double trapezoid(double[] y, double[] x) {
        double area = 0;
        for (int i = 0; i + 1 < y.length; i++) {
            area += (x[i + 1] - x[i]) * (y[i] + y[i + 1]) / 2;
        }
        return area;
    }
}
