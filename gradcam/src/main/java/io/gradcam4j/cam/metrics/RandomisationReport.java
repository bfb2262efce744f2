package io.gradcam4j.cam.metrics;

import java.util.List;

/**
 * The outcome of the model-parameter randomisation test for one method, image and class.
 *
 * @param classIndex the class explained, the same at every step
 * @param layers one row per layer with weights, top (the output) first, cascading down
 * @param threshold the rank correlation the map must fall below once every layer is random
 * @param passed whether it did: the map depends on what the model learned
 * @param verdict one sentence saying so, with the number
 * @param explanations how many explanations were computed (the original and one per row)
 */
public record RandomisationReport(int classIndex, List<RandomisedLayer> layers, double threshold, boolean passed,
                                  String verdict, int explanations) {

    public RandomisationReport {
        layers = List.copyOf(layers);
    }

    /** The rank correlation once every layer is random (the last row). */
    public double finalSpearman() {
        return layers.get(layers.size() - 1).spearman();
    }
}
