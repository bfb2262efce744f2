package io.gradcam4j.cam.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Average Drop and Increase in Confidence (Chattopadhyay et al. 2018, "Grad-CAM++", §5.1), per
 * image, as torch-cam's {@code ClassificationMetric} (torchcam/metrics.py) computes them: with
 * {@code Y} the score of the image and {@code O} the score of the image multiplied, every
 * channel, by the map {@code E} ({@link Relevance}: normalised, upsampled, in [0, 1]),
 * <ul>
 *   <li>{@code drop = max(0, Y - O) / Y} (torch-cam divides by {@code Y + 1e-7}; the paper
 *   reports the dataset mean times 100);</li>
 *   <li>{@code increase = 1} when {@code O > Y}, else 0 (its dataset mean is the "increase in
 *   confidence").</li>
 * </ul>
 * A score {@code Y <= 0} (a model without softmax, or a probability that underflowed) has no
 * relative drop: {@code non-positive-score}. pytorch-grad-cam's {@code DropInConfidence} is the
 * same product without the division by Y. Forward passes: 2, in one batch. No curve.
 */
final class AverageDrop implements FaithfulnessMetric {

    @Override
    public String name() {
        return "average-drop";
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of();
    }

    @Override
    public MetricResult measure(MetricInput in) {
        Relevance r = Relevance.of(in.map(), in.height(), in.width());
        float[] x = in.input().data();
        int c = in.channels();
        ClassScores scores = new ClassScores(in);
        double[] s = scores.run(2, (i, into) -> {
            for (int v = 0; v < into.length; v++) {
                into[v] = i == 0 ? x[v] : x[v] * r.value(v / c);
            }
        });
        double y = s[0];
        double o = s[1];
        if (!(y > 0)) {
            throw new UndefinedMetricException("non-positive-score", "the class's score on the image is " + y
                    + ": a drop relative to it means nothing");
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("drop", Math.max(0, y - o) / y);
        figures.put("increase", o > y ? 1.0 : 0.0);
        return new MetricResult(name(), figures, null, scores.forwardPasses());
    }
}
