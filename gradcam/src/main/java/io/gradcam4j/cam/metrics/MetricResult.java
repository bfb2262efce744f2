package io.gradcam4j.cam.metrics;

import io.gradcam4j.cam.NonFiniteException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one metric measured on one image, class and map. Dataset figures (the papers' "average
 * drop", mean AUCs) are the means of these per-image figures.
 *
 * @param metric the metric's name, e.g. {@code deletion}
 * @param figures finite numbers only, in the order the metric's class comment lists them (e.g.
 *     {@code auc} for deletion; {@code drop} and {@code increase} for average-drop)
 * @param curve the scores or changes the figures summarise (each metric says what they are), or
 *     {@code null}
 * @param forwardPasses images run through the model for this result (a batch of 16 counts 16),
 *     the unperturbed image included
 */
public record MetricResult(String metric, Map<String, Double> figures, double[] curve, int forwardPasses) {

    public MetricResult {
        Map<String, Double> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : figures.entrySet()) {
            if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                throw new NonFiniteException("non-finite-output", metric + "'s " + e.getKey() + " is " + e.getValue());
            }
            copy.put(e.getKey(), e.getValue());
        }
        figures = Collections.unmodifiableMap(copy);
        if (curve != null) {
            curve = curve.clone();
            for (double v : curve) {
                if (!Double.isFinite(v)) {
                    throw new NonFiniteException("non-finite-output", metric + "'s curve holds " + v);
                }
            }
        }
    }

    /** One figure by name; an unknown name lists those there are. */
    public double figure(String name) {
        Double v = figures.get(name);
        if (v == null) {
            throw new IllegalArgumentException(metric + " has no figure '" + name + "'; figures: " + figures.keySet());
        }
        return v;
    }
}
