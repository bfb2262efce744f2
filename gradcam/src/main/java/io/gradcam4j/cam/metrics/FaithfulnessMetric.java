package io.gradcam4j.cam.metrics;

import java.util.Map;

/**
 * How faithfully a map shows what the model's score depends on, measured by perturbing the input
 * where the map says it matters and running the model again. {@link Metrics} names them all; each
 * class comment gives its exact definition and the implementation it follows.
 */
public interface FaithfulnessMetric {

    /** The name used by the CLI, the JSON and {@link Metrics}, e.g. {@code deletion}. */
    String name();

    /** The parameters as used (steps, fill, percentiles...), for reports. */
    Map<String, Object> parameters();

    /**
     * Measures one map. A map that ranks nothing (no evidence, or flat) and a score that a figure
     * cannot be divided by are refused with an {@link UndefinedMetricException}, never a NaN.
     */
    MetricResult measure(MetricInput in);
}
