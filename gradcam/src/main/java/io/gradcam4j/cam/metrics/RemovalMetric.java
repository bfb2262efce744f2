package io.gradcam4j.cam.metrics;

import io.gradcam4j.engine.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The score's change when pixels are removed at percentiles of the map, as pytorch-grad-cam's
 * {@code PerturbationConfidenceMetric} with {@code RemoveMostRelevantFirst(p, imputer)} or
 * {@code RemoveLeastRelevantFirst(p, imputer)} (pytorch_grad_cam/metrics/perturbation_confidence.py)
 * computes it: for each percentile p, {@code S(x with the removed pixels imputed) - S(x)}; which
 * pixels are removed: {@link PercentileRemoval} (p is the share kept).
 * <ul>
 *   <li>{@code road-morf}, {@code road-lerf}: ROAD (Rong, Leemann et al. 2022), the removed
 *   pixels imputed by {@link NoisyLinearImputation}: pytorch-grad-cam's
 *   {@code ROADMostRelevantFirst} / {@code ROADLeastRelevantFirst} (pytorch_grad_cam/metrics/road.py),
 *   and their mean over the percentiles {@code ROADMostRelevantFirstAverage} /
 *   {@code ROADLeastRelevantFirstAverage}. The noise is drawn from a {@link SplittableRandom}
 *   seeded per percentile ({@code seed} and the percentile's place in the list).</li>
 *   <li>{@code remove-most}, {@code remove-least}: the same with the removed pixels set to the
 *   fill ({@link MetricOptions.Fill}), pytorch-grad-cam's classes with an imputer
 *   {@code x * mask + fill * (1 - mask)}.</li>
 * </ul>
 * Figures: {@code mean} (over the percentiles), then {@code p<percentile>} for each (e.g.
 * {@code p10}); the curve holds the changes in percentile order. A faithful map makes the
 * most-relevant-first changes strongly negative and the least-relevant-first ones near 0
 * (pytorch-grad-cam's {@code ROADCombined} is {@code (lerf - morf) / 2}). Forward passes: 1 +
 * the number of percentiles, in batches.
 */
final class RemovalMetric implements FaithfulnessMetric {

    /** What the removed pixels become. */
    @FunctionalInterface
    private interface Imputer {
        /** The image (1, H, W, C) with the pixels that are not kept replaced, H x W x C values. */
        float[] impute(Tensor image, boolean[] kept, int percentileIndex);
    }

    private final String name;
    private final PercentileRemoval.Order order;
    private final MetricOptions options;
    private final boolean road;

    private RemovalMetric(String name, PercentileRemoval.Order order, MetricOptions options, boolean road) {
        this.name = name;
        this.order = order;
        this.options = options;
        this.road = road;
    }

    /** ROAD: removed pixels imputed by noisy linear imputation. */
    static RemovalMetric road(PercentileRemoval.Order order, MetricOptions options) {
        return new RemovalMetric(order == PercentileRemoval.Order.MOST_RELEVANT_FIRST ? "road-morf" : "road-lerf",
                order, options, true);
    }

    /** Removed pixels set to the fill. */
    static RemovalMetric filled(PercentileRemoval.Order order, MetricOptions options) {
        return new RemovalMetric(order == PercentileRemoval.Order.MOST_RELEVANT_FIRST ? "remove-most" : "remove-least",
                order, options, false);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        List<Double> percentiles = new ArrayList<>();
        for (double v : options.percentiles()) {
            percentiles.add(v);
        }
        p.put("percentiles", percentiles);
        if (road) {
            p.put("noise", options.roadNoise());
            p.put("seed", options.seed());
        } else {
            p.putAll(FillValues.describe(options));
        }
        return p;
    }

    @Override
    public MetricResult measure(MetricInput in) {
        Relevance r = Relevance.of(in.map(), in.height(), in.width());
        double[] percentiles = options.percentiles();
        Imputer imputer = road ? this::roadImputation : filling(in.input());
        Tensor x = in.input();
        ClassScores scores = new ClassScores(in);
        double[] s = scores.run(1 + percentiles.length, (i, into) -> {
            float[] v = i == 0 ? x.data()
                    : imputer.impute(x, PercentileRemoval.kept(r, percentiles[i - 1], order), i - 1);
            System.arraycopy(v, 0, into, 0, into.length);
        });
        double[] changes = new double[percentiles.length];
        double sum = 0;
        for (int k = 0; k < changes.length; k++) {
            changes[k] = s[k + 1] - s[0];
            sum += changes[k];
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("mean", sum / changes.length);
        for (int k = 0; k < changes.length; k++) {
            figures.put(figureName(percentiles[k]), changes[k]);
        }
        return new MetricResult(name, figures, changes, scores.forwardPasses());
    }

    private float[] roadImputation(Tensor image, boolean[] kept, int percentileIndex) {
        SplittableRandom random = new SplittableRandom(options.seed() * 31 + percentileIndex);
        return NoisyLinearImputation.impute(image, kept, options.roadNoise(), random);
    }

    private Imputer filling(Tensor image) {
        float[] fill = FillValues.of(options, image);
        int c = image.dim(3);
        return (img, kept, index) -> {
            float[] out = img.data().clone();
            for (int p = 0; p < kept.length; p++) {
                if (!kept[p]) {
                    System.arraycopy(fill, p * c, out, p * c, c);
                }
            }
            return out;
        };
    }

    /** {@code p10} for 10, {@code p12.5} for 12.5. */
    static String figureName(double percentile) {
        return percentile == Math.rint(percentile) ? "p" + (long) percentile : "p" + percentile;
    }
}
